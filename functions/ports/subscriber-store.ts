import type { Subscriber } from '../core/subscriber.js';

export interface SubscriberPage {
  subscribers: Subscriber[];
  /** Opaque cursor for the next page; absent on the last page. */
  cursor?: string;
}

/** Subscribers of each newsletter. Paged, so memory stays flat however long the list grows. */
export interface SubscriberStore {
  get(newsletterId: string, id: string): Promise<Subscriber | undefined>;
  /** The subscribers with these ids that still exist (order not kept). */
  getMany(newsletterId: string, ids: string[]): Promise<Subscriber[]>;
  /** Creates or replaces the subscriber. */
  put(subscriber: Subscriber): Promise<void>;
  /** Creates the subscriber only when absent; returns false when one already exists. */
  putIfAbsent(subscriber: Subscriber): Promise<boolean>;
  update(newsletterId: string, id: string, changes: Partial<Omit<Subscriber, 'id' | 'newsletterId'>>): Promise<void>;
  /**
   * Applies the changes only while the subscriber exists and has not unsubscribed; false when they
   * have. One conditional write, so an unsubscribe that lands first is never undone by the operator.
   */
  updateUnlessUnsubscribed(newsletterId: string, id: string, changes: Partial<Omit<Subscriber, 'id' | 'newsletterId'>>): Promise<boolean>;
  delete(newsletterId: string, id: string): Promise<void>;
  /**
   * Records a confirmation send at `at` unless one was recorded after `cutoff`; false when it was.
   * One conditional write, so two requests at once cannot both send.
   */
  claimConfirmationSend(newsletterId: string, id: string, at: string, cutoff: string): Promise<boolean>;
  /** How many subscribers have this status (for progress and reports). */
  count(newsletterId: string, status: Subscriber['status']): Promise<number>;
  /** One page of subscribers; `status` filters (confirmed for sending). */
  list(newsletterId: string, options: { status?: Subscriber['status']; limit: number; cursor?: string }): Promise<SubscriberPage>;
}

/**
 * SES feedback notifications already counted. SNS and Lambda deliver at least once, so the same
 * bounce can arrive twice; counting it twice could pause an edition by mistake.
 */
export interface FeedbackLog {
  /** Records the notification as handled; false when it was already (one conditional write). */
  claim(feedbackKey: string, at: string): Promise<boolean>;
}

/** Why and when an address was suppressed. */
export interface Suppression {
  subscriberId: string;
  reason: string;
  at: string;
}

/** Addresses that must never receive mail again (bounces, complaints, erasure), kept as hashes. */
export interface SuppressionStore {
  isSuppressed(subscriberId: string): Promise<boolean>;
  /** Which of these ids are suppressed: one read for a whole batch of readers instead of one each. */
  suppressedAmong(subscriberIds: readonly string[]): Promise<Set<string>>;
  /** The suppressions among these ids, keyed by id (ids without one are absent). */
  findMany(subscriberIds: readonly string[]): Promise<Map<string, Suppression>>;
  /** Lifts a suppression (the operator vouches the address works again); false when there was none. */
  lift(subscriberId: string): Promise<boolean>;
  suppress(subscriberId: string, reason: string, at: string): Promise<void>;
  /** Soft bounces count up; the caller decides when enough is enough. Returns the new count. */
  recordSoftBounce(subscriberId: string, at: string): Promise<number>;
}
