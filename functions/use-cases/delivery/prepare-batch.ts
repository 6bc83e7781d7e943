import { deliveryGroupOf } from '../../core/delivery/groups.js';
import type { Subscriber } from '../../core/subscriber.js';
import type { DeliveryEntry } from '../../ports/delivery-ledger.js';
import type { SendContext } from './send-context.js';

/** A batch made ready to send: its delivery groups locked, where its readers stand read. */
export interface PreparedBatch {
  /** The groups this batch holds in the run's GroupLocks. */
  groups: Set<string>;
  suppressed: Set<string>;
  /** When the readers (their subscription, their suppressions) were read, at the latest (clock milliseconds). */
  readAt: number;
  entries: Map<string, DeliveryEntry>;
}

/**
 * Locks a batch's delivery groups (one conditional write per group, not one per reader) and reads
 * its suppressions and ledger entries. The locks come first: read before locking, a sender letting
 * a group go meanwhile could have sent to some of its readers after the read. The in-process send
 * prepares the next page while this one is sent, so it never waits on the store between pages.
 */
export async function prepareBatch(
  ctx: Omit<SendContext, 'onProgress'>,
  subscribers: readonly Subscriber[],
  readAt = ctx.clock.now().getTime(),
): Promise<PreparedBatch> {
  const groupOf = (subscriber: Subscriber) => deliveryGroupOf(subscriber.id, ctx.groups);
  // One read for the whole batch, not one per reader: the store round trips, not SES, bounded the send.
  const suppressedRead = ctx.suppressions.suppressedAmong(subscribers.map((s) => s.id));
  suppressedRead.catch(() => {});
  const groups = await ctx.groupLocks.take(subscribers.map(groupOf));
  try {
    // A group this run locked first has no entries yet: nothing to read for its readers (a first send reads none).
    const known = subscribers.filter((s) => groups.has(groupOf(s)) && !ctx.groupLocks.lockedFirst(groupOf(s))).map((s) => s.id);
    const [suppressed, entries] = await Promise.all([
      suppressedRead,
      known.length ? ctx.ledger.entries(ctx.editionId, known) : new Map<string, DeliveryEntry>(),
    ]);
    return { groups, suppressed, entries, readAt };
  } catch (error) {
    await ctx.groupLocks.release(groups);
    throw error;
  }
}

/** Lets go of a batch prepared and then not sent (the send stopped first). */
export async function abandonBatch(ctx: Pick<SendContext, 'groupLocks'>, prepared: Promise<PreparedBatch>): Promise<void> {
  await prepared.then(
    (batch) => ctx.groupLocks.release(batch.groups),
    () => {},
  );
}
