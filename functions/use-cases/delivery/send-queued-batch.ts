import type { NewsletterConfig } from '../../core/config.js';
import { emptyReport, recordOutcome, type DeliveryPause, type DeliveryReport } from '../../core/delivery/report.js';
import type { RenderedEdition } from '../../core/edition.js';
import {
  afterQueuedBatch,
  countsOf,
  ledgerSaysComplete,
  queuedEditionComplete,
  quotaWaitSeconds,
  reputationStop,
  type ReputationLimits,
} from '../../core/edition-lifecycle.js';
import { NewsletterError } from '../../core/errors.js';
import { MAX_HAND_BACKS } from '../../core/delivery/queue-messages.js';
import type { SendBatchMessage } from '../../ports/send-queue.js';
import { GroupLocks } from './group-locks.js';
import type { SendQuota } from '../../ports/mailer.js';
import type { BudgetReservation } from '../../ports/send-budget.js';
import { warmUpCeiling, type WarmUp } from '../../core/send-budget.js';
import { dailyLimit, sendContextFor, type SendContext, type SendDependencies } from './send-context.js';
import { sendBatch } from './send-batch.js';
import { stopForQuota } from './deliver.js';

export type QueuedBatchResult =
  /**
   * `retryLater`: some deliveries could not be made now (quota, another sender's group lock); queue the
   * batch again after `retryAfterSeconds`. A re-queue, not a failed receive: a quota stop lasts
   * hours, and failed receives would move the batch to the DLQ long before the quota frees.
   */
  | {
      status: 'sent';
      report: DeliveryReport;
      retryLater?: string;
      retryAfterSeconds?: number;
      paused?: DeliveryPause /** With `retryLater`: the readers to queue again (only those not ended, so none is counted twice). */;
      retryIds?: string[];
    }
  | { status: 'skipped'; reason: string; paused?: DeliveryPause };

type CachedContext = Omit<SendContext, 'onProgress' | 'budget'>;

/**
 * Per-container cache of what is the same for every batch of an edition: the MIME template and the
 * pacer (so the container keeps to its rate across batches). A sender drains many batches of one
 * edition in a row. The quota is not cached: it is read again for every batch.
 */
export class SenderCache {
  private readonly contexts = new Map<string, Promise<CachedContext>>();

  get(key: string, build: () => Promise<CachedContext>): Promise<CachedContext> {
    let entry = this.contexts.get(key);
    if (!entry) {
      entry = build();
      // A failed build is not cached: the next batch tries again.
      entry.catch(() => this.contexts.delete(key));
      this.contexts.set(key, entry);
      if (this.contexts.size > 4) this.contexts.delete(this.contexts.keys().next().value!);
    }
    return entry;
  }
}

/**
 * The sender's use case on AWS: sends one queued batch of an edition. Subscribers are read again, so
 * whoever unsubscribed after the batch was queued is skipped; the ledger skips whoever has it already.
 * Counters go to the edition, the edition is paused when SES feedback says it hurts the account,
 * and it is marked sent when the last queued delivery has ended.
 */
export async function sendQueuedBatch(
  message: SendBatchMessage,
  newsletter: NewsletterConfig,
  deps: SendDependencies,
  options: {
    cache: SenderCache;
    rate?: number;
    concurrency?: number;
    limits?: ReputationLimits;
    /** Senders that may run at once: each keeps to its share of the account's rate. */
    senders?: number;
    /** Clock milliseconds after which no reader is taken (the invocation's deadline less a reserve): the rest is handed back. */
    stopAt?: number;
    warmUp?: WarmUp;
    /** Attempts after the first of one message on throttling or server faults (default: the send context's). */
    retries?: number;
  },
): Promise<QueuedBatchResult> {
  const edition = await deps.editions.get(message.newsletterId, message.editionId);
  if (!edition) return { status: 'skipped', reason: `edition ${message.editionId} does not exist` };
  if (edition.status === 'paused') return { status: 'skipped', reason: `edition ${message.editionId} is paused: ${edition.pausedReason ?? 'see the report'}` };
  const stop = reputationStop(edition.counts, options.limits, edition.baseline);
  if (stop) {
    await deps.editions.update(message.newsletterId, message.editionId, { status: 'paused', pausedReason: stop });
    return { status: 'skipped', reason: stop, paused: { reason: 'reputation', detail: stop } };
  }

  const cached = await options.cache.get(message.editionId, async () => {
    const rendered: RenderedEdition | undefined = await deps.editions.getRendered(message.newsletterId, message.editionId);
    if (!rendered) throw new NewsletterError(`edition ${message.editionId} has no stored render: re-run the digest for ${message.newsletterId}`);
    const { budget: _budget, ...ctx } = await sendContextFor(newsletter, deps, edition, rendered, options);
    return ctx;
  });
  const quota = await deps.mailer.getSendQuota();
  const budget = await reserveBudget(deps, quota, options.warmUp, message.subscriberIds.length);
  // Nothing of the quota for this batch: back to sleep at once, without reading a reader or taking a lock.
  if (budget && budget.left.remaining <= 0) return waitForQuota(message, budget, deps.clock.now());
  const ctx: Omit<SendContext, 'onProgress'> = {
    ...cached,
    // This invocation's own name and locks: a registry cached with the context would outlive the
    // invocation that took its locks, and hand a later one locks nobody renewed.
    owner: deps.owner,
    groupLocks: new GroupLocks(
      { clock: deps.clock, ledger: deps.ledger, editionId: message.editionId, owner: deps.owner },
      edition.deliveryGroups !== undefined,
    ),
    ...(budget ? { budget: budget.left } : {}),
    ...(options.stopAt === undefined ? {} : { stopAt: options.stopAt }),
    handBackTransient: (message.handBacks ?? 0) < MAX_HAND_BACKS,
    ...(options.retries === undefined ? {} : { retries: options.retries }),
  };

  const found = await deps.subscribers.getMany(message.newsletterId, message.subscriberIds);
  const confirmed = found.filter((s) => s.status === 'confirmed');
  let report: DeliveryReport;
  let unfinished: string[] = [];
  try {
    ({ report, unfinished } = confirmed.length ? await sendBatch(ctx, confirmed) : { report: emptyReport(), unfinished: [] });
  } finally {
    // What was reserved and not sent goes back to the shared tally for the other senders.
    if (budget?.reservation) await deps.sendBudget!.giveBack(budget.reservation, budget.left.remaining);
  }
  // Ids that are gone or no longer confirmed count as suppressed: they left, or were erased.
  const confirmedIds = new Set(confirmed.map((s) => s.id));
  const gone = message.subscriberIds.filter((id) => !confirmedIds.has(id));
  for (const id of gone) recordOutcome(report, 'suppressed', id);
  if (gone.length > 0) await deps.ledger.markSkipped(message.editionId, gone, deps.clock.now().toISOString());

  const counted = await deps.editions.addCounts(message.newsletterId, message.editionId, countsOf(report));
  const next = afterQueuedBatch(report, quotaWait(budget, deps.clock.now()));
  if (next.next === 'pause') {
    // `editions resume` queues the edition again; the ledger skips whoever already has it.
    await deps.editions.update(message.newsletterId, message.editionId, { status: 'paused', pausedReason: next.reason });
    return { status: 'sent', report, paused: report.paused! };
  }
  // The counters say when to look, the ledger says whether it is so: a batch SQS delivered twice is counted twice.
  if (queuedEditionComplete(counted) && ledgerSaysComplete(counted, await deps.ledger.countEnded(message.editionId))) {
    await deps.editions.update(message.newsletterId, message.editionId, { status: 'sent', finishedAt: deps.clock.now().toISOString() });
  }
  // The retry is a re-queue: the ledger makes it skip whoever got the edition meanwhile.
  return {
    status: 'sent',
    report,
    ...(next.next === 'retry' ? { retryLater: next.reason, retryAfterSeconds: next.afterSeconds, retryIds: unfinished } : {}),
    ...(report.paused ? { paused: report.paused } : {}),
  };
}

/** A batch the quota leaves nothing for: every reader waits, until the shared tally has room when it says so. */
function waitForQuota(message: SendBatchMessage, budget: ReservedBudget, now: Date): QueuedBatchResult {
  const report = emptyReport();
  stopForQuota({}, report);
  return {
    status: 'sent',
    report,
    retryLater: report.stoppedReason!,
    retryAfterSeconds: quotaWait(budget, now),
    retryIds: [...message.subscriberIds],
    paused: report.paused!,
  };
}

/** How long this batch waits if the quota stops it: until the tally has room (or the warm-up grows), when known. */
function quotaWait(budget: ReservedBudget | undefined, now: Date): number {
  return quotaWaitSeconds(budget?.reservation?.roomAt, now, budget?.warmUpBinds);
}

/**
 * What this batch may send of the 24-hour quota: reserved from the tally shared by every sender
 * (so senders running at once never overshoot together), and never more than SES's own count says
 * is left (mail the account sends otherwise counts there too). Undefined: no quota to keep.
 */
async function reserveBudget(deps: SendDependencies, quota: SendQuota, warmUp: WarmUp | undefined, wanted: number): Promise<ReservedBudget | undefined> {
  const now = deps.clock.now();
  const limit = dailyLimit(quota, warmUp, now);
  if (limit < 0) return undefined;
  const bySes = Math.max(0, limit - quota.sentLast24Hours);
  const ceiling = warmUpCeiling(warmUp, now);
  const warmUpBinds = Number.isFinite(ceiling) && (quota.max24HourSend < 0 || ceiling < quota.max24HourSend);
  if (!deps.sendBudget) return { left: { remaining: bySes }, warmUpBinds };
  const reservation = await deps.sendBudget.reserve(wanted, limit, now, bySes);
  return { left: { remaining: reservation.granted }, reservation, warmUpBinds };
}

/** What a batch may send of the quota, and why it would wait. */
interface ReservedBudget {
  left: { remaining: number };
  reservation?: BudgetReservation;
  /** The warm-up's ceiling, not the account's quota, is today's limit: it grows at the next UTC midnight. */
  warmUpBinds: boolean;
}
