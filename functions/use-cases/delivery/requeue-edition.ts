import type { NewsletterConfig } from '../../core/config.js';
import type { DeliveryLookup } from '../../ports/delivery-lookup.js';
import type { EditionRecord, EditionStore } from '../../ports/edition-store.js';
import { GroupedSendQueue, type SendQueue } from '../../ports/send-queue.js';
import type { SubscriberStore } from '../../ports/subscriber-store.js';
import { subscriberPagesFrom } from '../../ports/subscriber-pages.js';
import type { Clock } from '../../core/clock.js';
import { sendBatchMessages } from '../../core/delivery/batch-assembler.js';
import type { FanOutMessage, FanOutProgress } from '../../core/delivery/queue-messages.js';
import { endedDeliveries, ledgerSaysComplete, queuedEditionComplete } from '../../core/edition-lifecycle.js';

export interface RequeueDependencies {
  editions: EditionStore;
  subscribers: SubscriberStore;
  deliveries: DeliveryLookup;
  queue: SendQueue;
  clock: Clock;
}

interface RequeueOptions {
  /** Subscribers per page read from the store. */
  pageSize?: number;
  batchSize?: number;
  /**
   * Pages to queue in this run; the rest is handed on as a fan-out step on the send queue, which a
   * sender picks up (a function with a short timeout, the approve link, cannot queue a long list).
   */
  pageBudget?: number;
  /** Goes on with a fan-out an earlier step handed on (the edition was reopened then). */
  continueFrom?: FanOutProgress;
  /** Steps handed on before this one: the next step carries one more (the sender's loop budget). */
  hops?: number;
}

export type RequeueResult =
  | { status: 'missing' }
  /** The edition is not in a state this action applies to; `reason` says what to do instead. */
  | { status: 'refused'; edition: EditionRecord; reason: string }
  | { status: 'nothing-to-send'; edition: EditionRecord }
  /** `queued` readers in `batches` send-queue messages; `alreadyHave` were skipped because the ledger says they have it. */
  | { status: 'queued'; edition: EditionRecord; queued: number; batches: number; alreadyHave: number }
  /** Queued this far (totals since the fan-out began); the rest was handed on to a sender as a fan-out step. */
  | { status: 'handed-on'; edition: EditionRecord; queued: number; batches: number; alreadyHave: number };

/** An operator's way back for one edition: each starts from the edition as stored (`missing` when there is none). */
type RequeueAction = (newsletter: NewsletterConfig, editionId: string, deps: RequeueDependencies, options?: RequeueOptions) => Promise<RequeueResult>;

/**
 * The operator's way back on AWS after a pause (SES not ready, bounce or complaint rate, a quota
 * stop) or a batch lost to the dead-letter queue: the edition goes back to `sending` and every
 * confirmed reader who does not have it yet is queued again for the senders, exactly as the digest
 * fans out. Nothing is sent from the operator's machine, and the ledger's group locks make
 * a batch that is still on the queue harmless. Rates are judged afresh from here, or the old bounces
 * would pause the edition again at once.
 */
export const resumeQueuedEdition: RequeueAction = async (newsletter, editionId, deps, options = {}) => {
  const edition = await deps.editions.get(newsletter.id, editionId);
  if (!edition) return { status: 'missing' };
  const step = options.continueFrom;
  if (step) {
    // Paused (or finished by a second fan-out) since the last step: a resume starts over, so this chain ends.
    if (edition.status !== 'sending')
      return { status: 'refused', edition, reason: `edition ${editionId} is ${edition.status}: the rest of its fan-out is not queued` };
  } else {
    // A draft waits for an operator's decision, and a skipped edition was turned down: neither is queued by a resume.
    if (edition.status === 'draft' || edition.status === 'skipped') {
      return {
        status: 'refused',
        edition,
        reason: `edition ${editionId} is ${
          edition.status === 'draft'
            ? `a draft waiting for review: approve it with the link in the review mail or "newsletter editions approve ${editionId} --aws"`
            : 'skipped: its articles go into the next edition'
        }; nothing queued`,
      };
    }
    // A sent edition is resumed too: the way back after a batch went to the DLQ (its readers have no
    // record, and the counters that closed the edition may have counted a redelivered batch twice).
    await reopen(deps.editions, edition, { pausedReason: undefined, ...(edition.counts ? { baseline: edition.counts } : {}) });
  }
  const progress: FanOutProgress = step
    ? { ...step }
    : {
        queued: 0,
        batches: 0,
        alreadyHave: 0,
        endedBefore: endedDeliveries(edition.counts),
        endedOnRecord: await deps.deliveries.countEnded(editionId),
        newReaders: 0,
      };
  const grouped = new GroupedSendQueue(deps.queue, edition, options.batchSize);
  const batchesBefore = progress.batches;
  let pages = 0;
  for await (const page of subscriberPagesFrom(deps.subscribers, newsletter.id, {
    status: 'confirmed',
    ...(options.pageSize ? { pageSize: options.pageSize } : {}),
    ...(step?.cursor ? { from: step.cursor } : {}),
  })) {
    const states = await deps.deliveries.states(
      editionId,
      page.subscribers.map((s) => s.id),
    );
    const ids = page.subscribers.map((s) => s.id).filter((id) => states.get(id) !== 'sent');
    progress.alreadyHave += page.subscribers.length - ids.length;
    // Readers with no record yet add one each to what the ledger will count; the others replace theirs.
    progress.newReaders = (progress.newReaders ?? 0) + ids.filter((id) => !states.has(id)).length;
    await grouped.add(ids);
    progress.queued += ids.length;
    if (page.cursor && options.pageBudget && ++pages >= options.pageBudget) {
      // A delivery group cut here is split over two batches: their senders wait on each other's lock, nothing worse.
      await grouped.finish();
      progress.batches = batchesBefore + grouped.batches;
      const next: FanOutMessage = { newsletterId: newsletter.id, editionId, fanOut: { ...progress, cursor: page.cursor }, hops: (options.hops ?? 0) + 1 };
      await deps.queue.enqueue([next]);
      return { status: 'handed-on', edition, queued: progress.queued, batches: progress.batches, alreadyHave: progress.alreadyHave };
    }
  }
  await grouped.finish();
  progress.batches = batchesBefore + grouped.batches;
  const readers = progress.endedOnRecord === undefined ? undefined : progress.endedOnRecord + (progress.newReaders ?? 0);
  return settle(deps, edition, progress.endedBefore, { queued: progress.queued, batches: progress.batches, alreadyHave: progress.alreadyHave }, readers);
};

/**
 * Queues an edition's failed deliveries again (a send that failed after its retries: throttling,
 * SES faults), and only those: whoever has the edition is not queued, and the ledger lets a failed
 * delivery be claimed again. A finished edition goes back to `sending` until the senders end them.
 */
export const resendFailedDeliveries: RequeueAction = async (newsletter, editionId, deps, options = {}) => {
  const edition = await deps.editions.get(newsletter.id, editionId);
  if (!edition) return { status: 'missing' };
  if (edition.status !== 'sent') {
    return {
      status: 'refused',
      edition,
      reason:
        `edition ${editionId} is ${edition.status}, not finished: "newsletter editions resume ${editionId} --aws" ` +
        `queues everyone who does not have it yet, failed deliveries included`,
    };
  }
  const failedIds: string[] = [];
  for await (const page of deps.deliveries.failed(editionId)) failedIds.push(...page.map((f) => f.subscriberId));
  if (failedIds.length === 0) return { status: 'nothing-to-send', edition };
  await reopen(deps.editions, edition, { finishedAt: undefined });
  // In id order, so each delivery group goes to one sender (the ledger's partitions are not in id order).
  const messages = sendBatchMessages(newsletter.id, editionId, failedIds.sort(), options.batchSize, edition.deliveryGroups);
  await deps.queue.enqueue(messages);
  return settle(
    deps,
    edition,
    endedDeliveries(edition.counts),
    { queued: failedIds.length, batches: messages.length, alreadyHave: 0 },
    await deps.deliveries.countEnded(editionId),
  );
};

/**
 * Back to `sending` with no `queued` count, so no sender closes the edition before the re-queue is
 * complete (the digest's fan-out does the same).
 */
async function reopen(editions: EditionStore, edition: EditionRecord, changes: Partial<EditionRecord>): Promise<void> {
  await editions.update(edition.newsletterId, edition.editionId, { status: 'sending', queued: undefined, ...changes });
}

/**
 * Every re-queued delivery ends once more (sent, suppressed or failed again), so the edition is done
 * when the endings counted so far grow by that many. An empty re-queue closes it at once.
 */
async function settle(
  deps: RequeueDependencies,
  edition: EditionRecord,
  endedBefore: number,
  queuedNow: { queued: number; batches: number; alreadyHave: number },
  /** Distinct readers the ledger will count once everyone queued has an ending (see EditionRecord.readers). */
  readers: number | undefined,
): Promise<RequeueResult> {
  await deps.editions.update(edition.newsletterId, edition.editionId, { queued: endedBefore + queuedNow.queued, readers });
  // Senders that finished before `queued` was written could not tell they were the last.
  const fresh = (await deps.editions.get(edition.newsletterId, edition.editionId)) ?? edition;
  const finished = queuedEditionComplete(fresh) && ledgerSaysComplete(fresh, await deps.deliveries.countEnded(edition.editionId));
  if (finished) await deps.editions.update(fresh.newsletterId, fresh.editionId, { status: 'sent', finishedAt: deps.clock.now().toISOString() });
  return { status: 'queued', edition: { ...fresh, ...(finished ? { status: 'sent' as const } : {}) }, ...queuedNow };
}
