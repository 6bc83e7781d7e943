import type { NewsletterConfig } from '../core/config.js';
import { emptyReport, recordOutcome, type DeliveryReport } from '../core/delivery.js';
import type { RenderedEdition } from '../core/edition.js';
import type { EditionRecord } from '../ports/edition-store.js';
import type { SendBatchMessage } from '../ports/send-queue.js';
import { reputationStop, sendContextFor, type ReputationLimits, type SendDependencies } from './run-digest.js';
import { sendBatch, type SendContext } from './send-edition.js';

export type QueuedBatchResult =
  | { status: 'sent'; report: DeliveryReport }
  | { status: 'skipped'; reason: string };

/**
 * Per-container cache of what is the same for every batch of an edition: the record, the render and
 * the MIME template with its pacer. A sender Lambda drains many batches of one edition in a row.
 */
export class SenderCache {
  private readonly contexts = new Map<string, Promise<{ edition: EditionRecord; ctx: Omit<SendContext, 'onProgress'> }>>();

  get(key: string, build: () => Promise<{ edition: EditionRecord; ctx: Omit<SendContext, 'onProgress'> }>) {
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
 * Counters go to the edition, and the edition is paused when SES feedback says it hurts the account.
 */
export async function sendQueuedBatch(
  message: SendBatchMessage,
  newsletter: NewsletterConfig,
  deps: SendDependencies,
  options: { cache: SenderCache; rate?: number; concurrency?: number; limits?: ReputationLimits },
): Promise<QueuedBatchResult> {
  const edition = await deps.editions.get(message.newsletterId, message.editionId);
  if (!edition) return { status: 'skipped', reason: `edition ${message.editionId} does not exist` };
  if (edition.status === 'paused') return { status: 'skipped', reason: `edition ${message.editionId} is paused: ${edition.pausedReason ?? 'see the report'}` };
  const stop = reputationStop(edition.counts, options.limits, edition.baseline);
  if (stop) {
    await deps.editions.update(message.newsletterId, message.editionId, { status: 'paused', pausedReason: stop });
    return { status: 'skipped', reason: stop };
  }

  const { ctx } = await options.cache.get(message.editionId, async () => {
    const rendered: RenderedEdition | undefined = await deps.editions.getRendered(message.newsletterId, message.editionId);
    if (!rendered) throw new Error(`edition ${message.editionId} has no stored render: re-run the digest for ${message.newsletterId}`);
    return { edition, ctx: await sendContextFor(newsletter, deps, edition, rendered, options) };
  });

  const found = await deps.subscribers.getMany(message.newsletterId, message.subscriberIds);
  const confirmed = found.filter((s) => s.status === 'confirmed');
  const report = confirmed.length ? await sendBatch(ctx, confirmed) : emptyReport();
  // Ids that are gone or no longer confirmed count as suppressed: they left, or were erased.
  for (const id of message.subscriberIds) if (!confirmed.some((s) => s.id === id)) recordOutcome(report, 'suppressed', id);

  const counts = await deps.editions.addCounts(message.newsletterId, message.editionId, {
    sent: report.sent,
    alreadySent: report.alreadySent,
    suppressed: report.suppressed,
    failed: report.failed,
    throttledRetries: report.throttledRetries,
  });
  const done = counts.sent + counts.alreadySent + counts.suppressed + counts.failed;
  if (edition.queued !== undefined && done >= edition.queued) {
    await deps.editions.update(message.newsletterId, message.editionId, { status: 'sent', finishedAt: deps.clock.now().toISOString() });
  }
  return { status: 'sent', report };
}
