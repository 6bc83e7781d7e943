import pRetry, { AbortError } from 'p-retry';
import { recordOutcome, type DeliveryPause, type DeliveryReport } from '../../core/delivery/report.js';
import { MailerError } from '../../core/errors.js';
import { redactAddresses, type Subscriber } from '../../core/subscriber.js';
import { readerLinks } from '../../core/tokens.js';
import type { DeliveryEntry } from '../../ports/delivery-ledger.js';
import { editionTags } from '../../ports/mailer.js';
import type { SendContext } from './send-context.js';
import type { SentRecorder } from './sent-recorder.js';

/** What a sender holding a reader's group does with them, from the reader's ledger entry. */
export type Standing = 'send' | 'suppressed' | 'already-sent' | 'in-progress';

export function standingOf(ctx: SendContext, entry: DeliveryEntry | undefined): Standing {
  if (entry?.status === 'sent') return 'already-sent';
  // A reader claimed on their own (the latest edition sent as a welcome), by someone still within their lease.
  if (entry?.status === 'claimed' && entry.owner !== ctx.owner && (entry.leaseUntil ?? '') > ctx.clock.now().toISOString()) return 'in-progress';
  return 'send';
}

/** The batch stops for the 24-hour quota: no worker takes another reader, and the run or queue goes on later. */
export function stopForQuota(ctx: Pick<SendContext, 'budget'>, report: DeliveryReport): void {
  if (ctx.budget) ctx.budget.remaining = 0;
  if (report.paused) return;
  report.stoppedReason ??= 'the 24-hour sending quota is used up; run again later to send the rest';
  report.paused = { reason: 'quota', detail: 'the 24-hour sending quota is used up' };
}

/**
 * How a delivery ended for the worker: done (an outcome is in the report), or no outcome and the
 * reader waits: turned away by the quota, or handed back after transient faults (the queued send).
 */
type Delivered = 'done' | 'over-quota' | 'handed-back';

export async function deliver(
  ctx: SendContext,
  subscriber: Subscriber,
  report: DeliveryReport,
  standing: Standing,
  recorder: SentRecorder,
): Promise<Delivered> {
  const at = () => ctx.clock.now().toISOString();
  // Deliveries that never reach SES give their reserved unit of quota back.
  const refund = () => {
    if (ctx.budget) ctx.budget.remaining++;
  };
  if (standing !== 'send') {
    refund();
    recordOutcome(report, standing, subscriber.id);
    return 'done';
  }
  let raw: Buffer;
  try {
    raw = ctx.template.personalise({
      to: subscriber.email,
      ...readerLinks(ctx.tokenKey, ctx.baseUrl, ctx.newsletterId, subscriber.id),
      messageKey: `${ctx.editionId}.${subscriber.id}`,
    });
  } catch (error) {
    // One bad address never stops a send: it is recorded and the rest go on.
    refund();
    const reason = (error as Error).message;
    await ctx.ledger.markFailed(ctx.editionId, subscriber.id, reason, at());
    recordOutcome(report, 'failed', subscriber.id, reason);
    return 'done';
  }
  let sentAt = 0;
  try {
    const { messageId } = await pRetry(
      async () => {
        await ctx.pacer.wait();
        sentAt = ctx.clock.now().getTime();
        try {
          return await ctx.mailer.send({ from: ctx.fromAddress, to: subscriber.email, raw, tags: editionTags(ctx.newsletterId, ctx.editionId) });
        } catch (error) {
          if (error instanceof MailerError && error.retryable) {
            if (error.throttled) report.throttledRetries++;
            throw error;
          }
          throw new AbortError(error as Error);
        }
      },
      {
        retries: ctx.retries ?? 6,
        minTimeout: 200,
        maxTimeout: 20_000,
        factor: 2,
        randomize: true,
      },
    );
    // SES has the message: from here on it counts as sent whatever the ledger write does.
    recordOutcome(report, 'sent', subscriber.id);
    await recorder.add(subscriber.id, messageId);
    // A sender's turn is the SES call and the mark after it: the concurrency that keeps to the rate covers both.
    ctx.latency.record(ctx.clock.now().getTime() - sentAt);
    return 'done';
  } catch (error) {
    const reason = (error as Error).message;
    if (error instanceof MailerError && error.quotaExceeded) {
      // The account's 24-hour quota, not this reader: the whole send waits for the window to free.
      refund();
      stopForQuota(ctx, report);
      return 'over-quota';
    }
    if (error instanceof MailerError && error.accountLevel) {
      // Not this reader's fault: nothing is recorded for them, so `editions resume` sends to them later.
      refund();
      pauseForSes(report, reason);
      return 'done';
    }
    if (error instanceof MailerError && error.retryable && ctx.handBackTransient) {
      // SES is having a bad minute, not this reader: they go back on the queue with the batch.
      refund();
      report.handedBack = (report.handedBack ?? 0) + 1;
      return 'handed-back';
    }
    await ctx.ledger.markFailed(ctx.editionId, subscriber.id, reason, at());
    recordOutcome(report, 'failed', subscriber.id, reason);
    return 'done';
  }
}

function pauseForSes(report: DeliveryReport, reason: string): void {
  if (report.paused?.reason === 'ses-not-ready') return;
  const pause: DeliveryPause = { reason: 'ses-not-ready', detail: redactAddresses(reason) };
  report.paused = pause;
  report.stoppedReason =
    `SES refuses to send for this account or sender (${pause.detail}): verify the sender identity, leave the SES ` +
    `sandbox or fix the permission, then "newsletter editions resume"`;
}
