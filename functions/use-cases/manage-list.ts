import pLimit from 'p-limit';
import type { Clock } from '../core/clock.js';
import type { Subscriber, SubscriberStatus } from '../core/subscriber.js';
import { subscriberPages } from '../ports/subscriber-pages.js';
import type { Suppression, SubscriberStore, SuppressionStore } from '../ports/subscriber-store.js';

/**
 * The operator's side of the list: adding and importing people on the operator's word. The rule
 * that matters: the operator never brings back someone who left. An unsubscribed, erased or
 * suppressed address is skipped with its reason; only the reader subscribing again (double
 * opt-in) brings them back.
 */

export interface ListDependencies {
  subscribers: SubscriberStore;
  suppressions: SuppressionStore;
  /** The subscriber id of an address (the same function the subscription API uses). */
  subscriberId: (email: string) => string;
  clock: Pick<Clock, 'now'>;
}

/** One person to add: an address already checked with `checkEmail`. */
export interface ListEntry {
  email: string;
  name?: string;
}

/** Why an address cannot be added by the operator. */
export interface LeftReason {
  kind: 'unsubscribed' | 'erased' | 'suppressed';
  /** Suppressions: the recorded reason ("hard bounce", "complaint", …). */
  detail?: string;
  at?: string;
}

export type AddOutcome =
  | { outcome: 'added' }
  /** Pending became confirmed, or the name changed. */
  | { outcome: 'updated' }
  /** Already there exactly as asked: re-importing the same file changes nothing. */
  | { outcome: 'unchanged' }
  | { outcome: 'left'; reason: LeftReason };

export interface AddOptions {
  /** The operator vouches that these people opted in; otherwise they are added as pending. */
  confirmed: boolean;
  /** Consent evidence kept with each new subscriber, e.g. "imported from list.csv". */
  source: string;
  /** Conditional writes in flight at once. */
  concurrency?: number;
}

/** Erasure suppresses under this reason (see `erase` in subscriptions.ts). */
const ERASED = /^erased\b/u;

/** An erasure is the person's own request: the operator's word cannot lift it. */
function isErasure(suppression: Suppression): boolean {
  return ERASED.test(suppression.reason);
}

/**
 * Adds a batch of people to a newsletter's list: two batched reads (subscribers, suppressions),
 * then one conditional write per change, several at once. Outcomes are in the order of `entries`.
 *
 * A suppression is read before the write; an erasure that lands between the two is still safe,
 * because every send checks suppressions again.
 *
 * @example
 * const [outcome] = await addToList(deps, 'weekly', [{ email: 'ana@example.com' }], { confirmed: true, source: 'CLI' });
 */
export async function addToList(deps: ListDependencies, newsletterId: string, entries: ListEntry[], options: AddOptions): Promise<AddOutcome[]> {
  const ids = entries.map((e) => deps.subscriberId(e.email));
  const [records, suppressions] = await Promise.all([deps.subscribers.getMany(newsletterId, ids), deps.suppressions.findMany(ids)]);
  const byId = new Map(records.map((r) => [r.id, r]));
  const limit = pLimit(options.concurrency ?? 16);
  // The same address twice in one batch: the second waits for the first, then sees its result.
  const chains = new Map<string, Promise<AddOutcome>>();
  return Promise.all(
    entries.map((entry, i) => {
      const id = ids[i]!;
      const previous = chains.get(id);
      const run = (async () => {
        if (previous) {
          await previous;
          const current = await deps.subscribers.get(newsletterId, id);
          if (current) byId.set(id, current);
        }
        return limit(() => addOne(deps, newsletterId, id, entry, byId.get(id), suppressions.get(id), options));
      })();
      chains.set(id, run);
      return run;
    }),
  );
}

async function addOne(
  deps: ListDependencies,
  newsletterId: string,
  id: string,
  entry: ListEntry,
  existing: Subscriber | undefined,
  suppression: Suppression | undefined,
  options: AddOptions,
  attempt = 0,
): Promise<AddOutcome> {
  if (suppression) {
    return { outcome: 'left', reason: { kind: isErasure(suppression) ? 'erased' : 'suppressed', detail: suppression.reason, at: suppression.at } };
  }
  const at = deps.clock.now().toISOString();
  if (!existing) {
    const subscriber: Subscriber = {
      id,
      newsletterId,
      email: entry.email,
      ...(entry.name ? { name: entry.name } : {}),
      status: options.confirmed ? 'confirmed' : 'pending',
      createdAt: at,
      ...(options.confirmed ? { confirmedAt: at } : {}),
      consent: { at, source: options.source },
    };
    if (await deps.subscribers.putIfAbsent(subscriber)) return { outcome: 'added' };
    // Someone subscribed (or unsubscribed) in between: decide again on what is there now.
    const now = await deps.subscribers.get(newsletterId, id);
    if (!now || attempt > 0) return { outcome: 'unchanged' };
    return addOne(deps, newsletterId, id, entry, now, undefined, options, attempt + 1);
  }
  if (existing.status === 'unsubscribed')
    return { outcome: 'left', reason: { kind: 'unsubscribed', ...(existing.unsubscribedAt ? { at: existing.unsubscribedAt } : {}) } };
  const changes: Partial<Subscriber> = {};
  if (options.confirmed && existing.status === 'pending')
    Object.assign(changes, { status: 'confirmed', confirmedAt: at, consent: { at, source: options.source } });
  if (entry.name && entry.name !== existing.name) changes.name = entry.name;
  if (Object.keys(changes).length === 0) return { outcome: 'unchanged' };
  if (await deps.subscribers.updateUnlessUnsubscribed(newsletterId, id, changes)) return { outcome: 'updated' };
  return { outcome: 'left', reason: { kind: 'unsubscribed' } };
}

/**
 * The bundled sample's demo reader, so a newcomer's first run mails someone: added confirmed, and
 * only to an empty list (an operator's own newsletter, or a list with anyone on it, never gets one).
 * True when the reader was added.
 */
export async function addDemoReader(deps: ListDependencies, newsletterId: string, email: string): Promise<boolean> {
  const first = await deps.subscribers.list(newsletterId, { limit: 1 });
  if (first.subscribers.length > 0) return false;
  const [added] = await addToList(deps, newsletterId, [{ email }], { confirmed: true, source: 'demo subscriber added by the first local run' });
  return added?.outcome === 'added';
}

/** The confirmed readers a run is about to mail (a progress bar's total). */
export function confirmedReaders(deps: Pick<ListDependencies, 'subscribers'>, newsletterId: string): Promise<number> {
  return deps.subscribers.count(newsletterId, 'confirmed');
}

/** One line a person reads: why an address was not added. */
export function describeLeft(reason: LeftReason): string {
  const when = reason.at ? ` on ${reason.at.slice(0, 10)}` : '';
  switch (reason.kind) {
    case 'unsubscribed':
      return `unsubscribed${when}; only they can subscribe again, through the sign-up page`;
    case 'erased':
      return `erased at the subscriber's request${when}; an erased address is never mailed again`;
    case 'suppressed':
      return (
        `suppressed (${reason.detail ?? 'bounce or complaint'})${when}; if you know the address works again, run ` +
        `"newsletter subscribers unsuppress EMAIL" first`
      );
  }
}

/** What reading the list needs: no key, so an operator without the token secret can list and export. */
export type ListReadDependencies = Pick<ListDependencies, 'subscribers' | 'suppressions'>;

/** One subscriber as the operator's listing shows it. */
export interface ListedSubscriber {
  subscriber: Subscriber;
  suppression?: Suppression;
}

/**
 * Every subscriber of a newsletter (of one status, or all), page by page, each with its suppression
 * if any: one batched suppression read per page, so memory stays flat however long the list is.
 *
 * @example
 * for await (const { subscriber, suppression } of listSubscribers(deps, 'weekly', 'confirmed')) print(subscriber.email);
 */
export async function* listSubscribers(deps: ListReadDependencies, newsletterId: string, status?: SubscriberStatus): AsyncGenerator<ListedSubscriber> {
  for await (const page of subscriberPages(deps.subscribers, newsletterId, status ? { status } : {})) {
    const suppressions = await deps.suppressions.findMany(page.map((s) => s.id));
    for (const subscriber of page) {
      const suppression = suppressions.get(subscriber.id);
      yield { subscriber, ...(suppression ? { suppression } : {}) };
    }
  }
}

export type RemoveOutcome = { outcome: 'removed' } | { outcome: 'not-on-list' } | { outcome: 'already-left'; at?: string };

/**
 * Unsubscribes an address on the operator's word. The record is kept as unsubscribed (not
 * deleted), so an import cannot add the person back.
 */
export async function removeFromList(deps: ListDependencies, newsletterId: string, email: string): Promise<RemoveOutcome> {
  const id = deps.subscriberId(email);
  const existing = await deps.subscribers.get(newsletterId, id);
  if (!existing) return { outcome: 'not-on-list' };
  if (existing.status === 'unsubscribed') return { outcome: 'already-left', ...(existing.unsubscribedAt ? { at: existing.unsubscribedAt } : {}) };
  await deps.subscribers.update(newsletterId, id, { status: 'unsubscribed', unsubscribedAt: deps.clock.now().toISOString() });
  return { outcome: 'removed' };
}

export type UnsuppressOutcome =
  | { outcome: 'lifted'; was: Suppression; status?: SubscriberStatus }
  | { outcome: 'not-suppressed' }
  /** An erasure is the person's own request: never lifted. */
  | { outcome: 'erased'; at: string };

/**
 * Lifts a bounce or complaint suppression on the operator's word that the address works again.
 * `status` says where the address stands on this newsletter afterwards (absent: not on the list).
 */
export async function liftSuppression(deps: ListDependencies, newsletterId: string, email: string): Promise<UnsuppressOutcome> {
  const id = deps.subscriberId(email);
  const suppression = (await deps.suppressions.findMany([id])).get(id);
  if (!suppression) return { outcome: 'not-suppressed' };
  if (isErasure(suppression)) return { outcome: 'erased', at: suppression.at };
  await deps.suppressions.lift(id);
  const record = await deps.subscribers.get(newsletterId, id);
  return { outcome: 'lifted', was: suppression, ...(record ? { status: record.status } : {}) };
}
