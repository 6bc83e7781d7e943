import { concurrencyFor } from '../../core/delivery/concurrency.js';
import { deliveryGroupOf } from '../../core/delivery/groups.js';
import { emptyReport, type DeliveryReport } from '../../core/delivery/report.js';
import { StoreError } from '../../core/errors.js';
import type { Subscriber } from '../../core/subscriber.js';
import { deliver, standingOf, stopForQuota } from './deliver.js';
import { prepareBatch, type PreparedBatch } from './prepare-batch.js';
import type { SendContext } from './send-context.js';
import { SentRecorder } from './sent-recorder.js';

/** How a batch ended: its counts, and the readers it left for later (held by another sender, turned away by the quota, never reached). */
export interface BatchOutcome {
  report: DeliveryReport;
  unfinished: string[];
}

/**
 * Sends the edition to one batch of subscribers: locks the batch's delivery groups (one conditional
 * write per group, not one per reader), reads where those deliveries stand, skips the suppressed
 * and whoever has the edition, sends the rest and marks them sent before letting the groups go.
 * Every delivery ends sent, already sent, in progress elsewhere, suppressed or failed with a reason;
 * nothing is dropped silently.
 */
export async function sendBatch(ctx: SendContext, subscribers: Subscriber[], prepared?: Promise<PreparedBatch>): Promise<BatchOutcome> {
  const report = emptyReport();
  const started = ctx.clock.now().getTime();
  if (subscribers.length === 0) return { report, unfinished: [] };
  const ready = await (prepared ?? prepareBatch(ctx, subscribers));
  return new BatchSend(ctx, subscribers, ready, report).run(started);
}

/**
 * How old what a batch knows about its readers (subscribed, suppressed) may get before it is read
 * again for those not yet sent: an unsubscribe takes effect within this long even in a slow send.
 * An unpaced page is sent long before; a page at 1 message a second is read again every 30 readers.
 */
const FRESH_FOR_MS = 30_000;

/**
 * One batch on its way: a pool of workers taking readers in list order, and the state they share
 * (the next reader, who left meanwhile, the first error, the readers passed over on record).
 */
class BatchSend {
  /** The next reader a worker takes. */
  private next = 0;
  /**
   * Readers who left (unsubscribed, erased, bounced) since their page was read are dropped before
   * their turn: what the batch knows is read again once it is FRESH_FOR_MS old (a paced send of a
   * page takes minutes at a low rate).
   */
  private left: Set<string>;
  private readAt: number;
  private rereading: Promise<void> | undefined;
  /**
   * The first error of any worker stops them all before the marks are written and the groups let
   * go: a worker still sending after its group was released would send outside the lock.
   */
  private failure: { error: unknown } | undefined;
  /** Passed over on record, under the group's lock: every reader the edition ended has one record. */
  private readonly skipped: string[] = [];
  private readonly unfinished: string[] = [];
  private readonly recorder: SentRecorder;
  private readonly concurrency: number;

  constructor(
    private readonly ctx: SendContext,
    private readonly subscribers: Subscriber[],
    private readonly ready: PreparedBatch,
    private readonly report: DeliveryReport,
  ) {
    this.left = ready.suppressed;
    this.readAt = ready.readAt;
    this.recorder = new SentRecorder(ctx, report);
    this.concurrency = ctx.concurrency ?? concurrencyFor(ctx.rate, ctx.latency.ms);
  }

  async run(started: number): Promise<BatchOutcome> {
    const { ctx, report, subscribers } = this;
    await Promise.allSettled(Array.from({ length: Math.max(1, Math.min(this.concurrency, subscribers.length)) }, () => this.work()));
    await this.recorder.flush();
    if (this.skipped.length > 0)
      await ctx.ledger.markSkipped(ctx.editionId, this.skipped, ctx.clock.now().toISOString()).catch((error: unknown) => (this.failure ??= { error }));
    // Sends that could not be recorded keep their groups locked in the store until the lease runs
    // out: the next sender would otherwise find those readers without the edition and send at once.
    await ctx.groupLocks.release(this.ready.groups, { keepInStore: Boolean(report.unrecorded) });
    if (this.failure) throw this.failure.error;
    if (this.recorder.failure) {
      throw new StoreError(
        `could not record ${report.unrecorded} sent deliveries of edition ${ctx.editionId} in the delivery ledger ` +
          `(${(this.recorder.failure as Error).message}); sending stopped: run again once DynamoDB takes writes (at most ` +
          `those readers may get a second copy)`,
      );
    }
    if (this.next < subscribers.length && !report.paused && !report.outOfTime) stopForQuota(ctx, report);
    // Readers never reached (a quota stop, a pause) are the batch's unfinished business too.
    for (const subscriber of subscribers.slice(this.next)) this.unfinished.push(subscriber.id);
    report.durationMs = ctx.clock.now().getTime() - started;
    report.rate = report.durationMs > 0 ? report.sent / (report.durationMs / 1000) : report.sent;
    return { report, unfinished: this.unfinished };
  }

  /** One worker: takes the next reader until none is left or the batch stops. */
  private async work(): Promise<void> {
    const { ctx, report, subscribers } = this;
    while (this.next < subscribers.length && !this.failure && !this.recorder.failure) {
      if (ctx.budget && ctx.budget.remaining <= 0) return;
      // SES refused the account: every further message would be refused too and counted as a failed reader.
      if (report.paused) return;
      if (ctx.stopAt !== undefined && ctx.clock.now().getTime() >= ctx.stopAt) {
        report.outOfTime = true;
        return;
      }
      const subscriber = subscribers[this.next++]!;
      // Reserve the quota before the first await: checked here and spent later, parallel workers
      // would each see the last unit free and overshoot the 24-hour quota by up to `concurrency`.
      if (ctx.budget) ctx.budget.remaining--;
      try {
        if (ctx.clock.now().getTime() - this.readAt > FRESH_FOR_MS) await this.reread();
        const group = deliveryGroupOf(subscriber.id, ctx.groups);
        const standing = this.left.has(subscriber.id)
          ? 'suppressed'
          : this.ready.groups.has(group) && (await ctx.groupLocks.keep(group))
            ? standingOf(ctx, this.ready.entries.get(subscriber.id))
            : 'in-progress';
        if (standing === 'in-progress') this.unfinished.push(subscriber.id);
        if (standing === 'suppressed') this.skipped.push(subscriber.id);
        // A reader SES turned away for the daily quota is not failed: they wait with the rest.
        if ((await deliver(ctx, subscriber, report, standing, this.recorder)) !== 'done') this.unfinished.push(subscriber.id);
      } catch (error) {
        this.failure ??= { error };
      }
      ctx.onProgress?.(report);
    }
  }

  /** Reads again, once for all workers asking at the same time, whether the readers not yet sent are still subscribed and unsuppressed. */
  private reread(): Promise<void> {
    this.rereading ??= (async () => {
      // From the readers the workers hold now (the one that asked included) to the end.
      const rest = this.subscribers.slice(Math.max(0, this.next - this.concurrency)).map((s) => s.id);
      const [still, suppressedNow] = await Promise.all([
        this.ctx.subscribers.getMany(this.ctx.newsletterId, rest),
        this.ctx.suppressions.suppressedAmong(rest),
      ]);
      const confirmed = new Set(still.filter((s) => s.status === 'confirmed').map((s) => s.id));
      this.left = new Set([...this.left, ...suppressedNow, ...rest.filter((id) => !confirmed.has(id))]);
      this.readAt = this.ctx.clock.now().getTime();
    })().finally(() => (this.rereading = undefined));
    return this.rereading;
  }
}
