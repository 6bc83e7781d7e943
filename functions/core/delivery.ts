import { redactAddresses } from './subscriber.js';

/** How long a delivery-group lock holds unrenewed: longer than one send can take (pacing plus every retry with backoff), shorter than an SQS redelivery. */
export const DEFAULT_LEASE_SECONDS = 600;

/** How one delivery (edition × subscriber) ended. */
export type DeliveryOutcome = 'sent' | 'already-sent' | 'in-progress' | 'suppressed' | 'failed';

/**
 * Why an edition stopped before everyone had it: SES refusing the account or sender
 * (`ses-not-ready`: waits for a person, then `editions resume`), SES feedback over the limits
 * (`reputation`: the same), or the 24-hour quota (`quota`: goes on by itself when quota frees).
 * Handlers turn it into a metric and an alarm.
 */
export interface DeliveryPause {
  reason: 'ses-not-ready' | 'reputation' | 'quota';
  /** What SES said or which limit was reached; never an address. */
  detail: string;
}

/** Counts shown at the end of `newsletter digest` and stored with the edition. */
export interface DeliveryReport {
  sent: number;
  alreadySent: number;
  /** Held by another sender's live group lock (a second run at the same time): left to that sender, or to a later run. */
  inProgress: number;
  suppressed: number;
  failed: number;
  throttledRetries: number;
  /** Failures with reasons, by subscriber id (never the address); capped to keep the record small. */
  failures: { subscriberId: string; reason: string }[];
  durationMs: number;
  /** Messages per second achieved over the send. */
  rate: number;
  /** Messages SES accepted whose mark-sent write failed: a later run may send these readers a second copy. */
  unrecorded?: number;
  /** Set when sending stopped early (daily quota, bounce or complaint rate, SES not ready): what to do next. */
  stoppedReason?: string;
  /** The same stop as a value, for metrics and alarms. */
  paused?: DeliveryPause;
  /**
   * The send stopped taking readers because its time ran out (a Lambda invocation near its
   * deadline): not a pause, the readers not reached go back on the queue at once.
   */
  outOfTime?: boolean;
}

/** Fewest and most sends in flight when the number follows the rate. */
export const MIN_CONCURRENCY = 2;
export const MAX_CONCURRENCY = 64;

/**
 * Sends in flight needed to keep `rate` messages per second when one SES call takes `latencyMs`
 * (Little's law), with half again for jitter, capped: a slow account needs few, an unpaced run on
 * a fast server many. A fixed number either starves a fast account or piles up behind a slow one.
 */
export function concurrencyFor(rate: number, latencyMs: number): number {
  const needed = Math.ceil(rate * (Math.max(0, latencyMs) / 1000) * 1.5);
  return Math.max(MIN_CONCURRENCY, Math.min(MAX_CONCURRENCY, Number.isFinite(needed) ? needed : MAX_CONCURRENCY));
}

export function emptyReport(): DeliveryReport {
  return { sent: 0, alreadySent: 0, inProgress: 0, suppressed: 0, failed: 0, throttledRetries: 0, failures: [], durationMs: 0, rate: 0 };
}

export const MAX_REPORTED_FAILURES = 100;

/** Adds one outcome to a report (mutates: reports are accumulated in a hot loop). */
export function recordOutcome(report: DeliveryReport, outcome: DeliveryOutcome, subscriberId: string, reason?: string): void {
  switch (outcome) {
    case 'sent':
      report.sent++;
      break;
    case 'already-sent':
      report.alreadySent++;
      break;
    case 'in-progress':
      report.inProgress++;
      break;
    case 'suppressed':
      report.suppressed++;
      break;
    case 'failed':
      report.failed++;
      // Reports are printed and logged: an SES error that names the address must not carry it along.
      if (report.failures.length < MAX_REPORTED_FAILURES) report.failures.push({ subscriberId, reason: redactAddresses(reason ?? 'unknown') });
      break;
  }
}

/** Sums reports of batches sent separately (SQS fan-out) into the edition's report. */
export function mergeReports(a: DeliveryReport, b: DeliveryReport): DeliveryReport {
  const durationMs = Math.max(a.durationMs, b.durationMs);
  const sent = a.sent + b.sent;
  return {
    sent,
    alreadySent: a.alreadySent + b.alreadySent,
    inProgress: a.inProgress + b.inProgress,
    suppressed: a.suppressed + b.suppressed,
    failed: a.failed + b.failed,
    throttledRetries: a.throttledRetries + b.throttledRetries,
    failures: [...a.failures, ...b.failures].slice(0, MAX_REPORTED_FAILURES),
    ...(a.unrecorded || b.unrecorded ? { unrecorded: (a.unrecorded ?? 0) + (b.unrecorded ?? 0) } : {}),
    durationMs,
    rate: durationMs > 0 ? sent / (durationMs / 1000) : 0,
    ...(a.stoppedReason || b.stoppedReason ? { stoppedReason: a.stoppedReason ?? b.stoppedReason } : {}),
    ...(a.paused || b.paused ? { paused: (a.paused ?? b.paused)! } : {}),
  };
}

/** One unit of fan-out work: send an edition to these subscribers. */
export interface SendBatchMessage {
  newsletterId: string;
  editionId: string;
  subscriberIds: string[];
  /** Times this batch (or the batch it was cut from) was put back on the queue by a sender: the loop's own budget. */
  hops?: number;
}

/**
 * Where a fan-out too long for one function run stands: the next step queues the readers after
 * `cursor` (none: from the start, after the edition is reopened) and adds to these totals.
 */
export interface FanOutProgress {
  cursor?: string;
  queued: number;
  alreadyHave: number;
  batches: number;
  /** Deliveries the edition had ended when the fan-out began: the edition is done at this plus `queued`. */
  endedBefore: number;
  /** Readers with an ending on record when the fan-out began (the ledger's count). */
  endedOnRecord?: number;
  /** Readers queued so far who had no record at all: with `endedOnRecord`, the readers the ledger counts at the end. */
  newReaders?: number;
}

/**
 * A step of a fan-out on the send queue: a sender queues the next pages of readers, then hands on.
 * `start`: the first step (the edition is checked and reopened, as `editions resume` does).
 */
export interface FanOutMessage {
  newsletterId: string;
  editionId: string;
  fanOut: 'start' | FanOutProgress;
  /** Steps handed on so far (see SendBatchMessage.hops). */
  hops?: number;
}

/**
 * Pages of readers one fan-out step queues before handing on: 20 pages of 500 take a few seconds
 * (a Query, a ledger read and two SQS calls each), far inside a sender's 3-minute timeout.
 */
export const FAN_OUT_STEP_PAGES = 20;

/** What travels on the send queue: readers to send to, or the next step of a fan-out. */
export type SendQueueMessage = SendBatchMessage | FanOutMessage;

export function isFanOut(message: SendQueueMessage): message is FanOutMessage {
  return 'fanOut' in message;
}

/** Subscribers per queued batch: one sender's unit of work. */
export const SEND_BATCH_SIZE = 50;

/**
 * Readers per delivery group, on average. A sender locks a whole group of an edition's deliveries
 * with one conditional write instead of claiming each reader with one: the claim per reader was a
 * second store call for every message, and made the ledger, not SES, the limit of a send.
 */
export const DELIVERY_GROUP_SIZE = 50;

/** How many delivery groups an edition of `confirmed` readers gets: fixed when the edition is created. */
export function deliveryGroupsFor(confirmed: number): number {
  return Math.max(1, Math.ceil(confirmed / DELIVERY_GROUP_SIZE));
}

const HEX_PREFIX = /^[0-9a-f]{8}/i;

/**
 * The delivery group of one reader of an edition split into `groups` groups. Subscriber ids are
 * keyed hashes in hex, stored in id order: a group is then a run of consecutive ids, so a page of
 * the list touches few groups and the fan-out can queue whole groups. Other ids are hashed (FNV-1a).
 * An edition without groups (created before them) locks each reader on their own.
 */
export function deliveryGroupOf(subscriberId: string, groups: number | undefined): string {
  if (groups === undefined) return `reader#${subscriberId}`;
  const hex = HEX_PREFIX.exec(subscriberId);
  if (hex) return String(Math.floor((parseInt(hex[0], 16) / 0x1_0000_0000) * groups));
  return String(fnv1a(subscriberId) % groups);
}

/** FNV-1a (32 bits) of a string: spreads any id format evenly (delivery groups, ledger partitions). */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * Builds send-queue messages from ids read in list order, keeping each delivery group in one
 * message, also across pages: two senders given halves of one group would wait on each other's
 * lock. A message closes at a group boundary once it holds half a batch; a group far larger than a
 * batch (an uneven list) is split rather than queued as one oversized message.
 */
export class SendBatchAssembler {
  private current: string[] = [];
  private currentGroup: string | undefined;
  constructor(
    private readonly newsletterId: string,
    private readonly editionId: string,
    private readonly groups: number | undefined,
    private readonly batchSize = SEND_BATCH_SIZE,
  ) {}

  /** Adds ids; returns the messages that are complete. */
  add(subscriberIds: readonly string[]): SendBatchMessage[] {
    const done: SendBatchMessage[] = [];
    for (const id of subscriberIds) {
      const group = deliveryGroupOf(id, this.groups);
      // Readers locked one by one (an edition without groups) need no boundary: full batches.
      const full = this.groups === undefined ? this.current.length >= this.batchSize : (group !== this.currentGroup && this.current.length >= Math.ceil(this.batchSize / 2)) || this.current.length >= this.batchSize * 4;
      if (full) done.push(this.take());
      this.current.push(id);
      this.currentGroup = group;
    }
    return done;
  }

  /** The last, partly filled message, if any. */
  finish(): SendBatchMessage[] {
    return this.current.length ? [this.take()] : [];
  }

  private take(): SendBatchMessage {
    const message = { newsletterId: this.newsletterId, editionId: this.editionId, subscriberIds: this.current };
    this.current = [];
    return message;
  }
}

/** Splits subscriber ids into send-queue messages of an edition, whole delivery groups each (the digest's fan-out and the operator's re-queue). */
export function sendBatchMessages(newsletterId: string, editionId: string, subscriberIds: readonly string[], batchSize = SEND_BATCH_SIZE, groups?: number): SendBatchMessage[] {
  const assembler = new SendBatchAssembler(newsletterId, editionId, groups, batchSize);
  return [...assembler.add(subscriberIds), ...assembler.finish()];
}
