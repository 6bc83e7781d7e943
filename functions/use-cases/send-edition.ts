import { editionTags } from '../ports/mailer.js';
import pRetry, { AbortError } from 'p-retry';
import type { Clock } from '../core/clock.js';
import { Pacer } from '../core/pacer.js';
import { concurrencyFor, deliveryGroupOf, emptyReport, recordOutcome, type DeliveryPause, type DeliveryReport } from '../core/delivery.js';
import { redactAddresses } from '../core/subscriber.js';
import { MailerError, StoreError } from '../core/errors.js';
import type { Subscriber } from '../core/subscriber.js';
import { readerLinks } from '../core/tokens.js';
import { MessageTemplate, messageHeadersFor } from '../mail/message-template.js';
import type { NewsletterConfig } from '../core/config.js';
import type { RenderedEdition } from '../core/edition.js';
import type { EditionRecord } from '../core/edition-lifecycle.js';
import type { EditionStore } from '../ports/edition-store.js';
import type { DeliveryEntry, DeliveryLedger } from '../ports/delivery-ledger.js';
import { GroupLocks } from './group-locks.js';
import type { Mailer, SendQuota } from '../ports/mailer.js';
import type { SendBudget } from '../ports/send-budget.js';
import { warmUpCeiling, type WarmUp } from '../core/send-budget.js';
import type { SubscriberStore, SuppressionStore } from '../ports/subscriber-store.js';

export interface SendContext {
  editionId: string;
  newsletterId: string;
  baseUrl: string;
  fromAddress: string;
  template: MessageTemplate;
  tokenKey: Buffer;
  ledger: DeliveryLedger;
  suppressions: SuppressionStore;
  /** Read again for a batch's remaining readers when what it knows about them gets old (see FRESH_FOR_MS). */
  subscribers: Pick<SubscriberStore, 'getMany'>;
  mailer: Mailer;
  clock: Clock;
  /** Who is sending: recorded on each group lock so a crashed run's locks can be recognised. */
  owner: string;
  /** Delivery groups of the edition (see deliveryGroupOf); absent: a lock per reader. */
  groups?: number;
  /** The group locks this run holds, shared by its batches. */
  groupLocks: GroupLocks;
  /** How long a group lock holds before another sender may take it over (default 10 minutes). */
  leaseSeconds?: number;
  /** Shared across batches of one run so the whole run keeps to the rate. */
  pacer: Pacer;
  /**
   * Parallel senders; when absent it follows `rate` and the latency measured so far. Also the most a
   * crash can duplicate: each sender holds at most one reader SES has and the ledger does not.
   */
  concurrency?: number;
  /** Messages per second the pacer keeps to. */
  rate: number;
  /** How long one reader takes a sender (the SES call and its mark), a moving average shared by the batches of one run (starts from a guess). */
  latency: LatencyGauge;
  /** Retries of one message on throttling or server faults before it is marked failed. */
  retries?: number;
  /** Stop (cleanly, resumably) after this many messages: what is left of the 24-hour quota. */
  budget?: { remaining: number };
  /**
   * Clock milliseconds after which no further reader is taken (a Lambda invocation's deadline less
   * the time to record, count and hand back): readers not reached end up in `unfinished`.
   */
  stopAt?: number;
  onProgress?: (report: DeliveryReport) => void;
}

/** What sending an edition needs, on either path (in-process or queued). */
export interface SendDependencies {
  /** Who is sending, recorded on each delivery-group lock (see DeliveryLedger). */
  owner: string;
  editions: EditionStore;
  subscribers: SubscriberStore;
  suppressions: SuppressionStore;
  ledger: DeliveryLedger;
  mailer: Mailer;
  tokenKey: Buffer;
  clock: Clock;
  /** The 24-hour quota shared with other senders running at once (the queued send on AWS). */
  sendBudget?: SendBudget;
}

/**
 * What may be sent in 24 hours: the account's quota, below a warm-up's ceiling for today; negative
 * when SES sets no quota (an SES-compatible server without one).
 */
export function dailyLimit(quota: SendQuota, warmUp: WarmUp | undefined, now: Date): number {
  const ceiling = warmUpCeiling(warmUp, now);
  if (quota.max24HourSend < 0) return Number.isFinite(ceiling) ? ceiling : -1;
  return Math.min(quota.max24HourSend, ceiling);
}

/** What is left of the 24-hour limit by SES's own count (which also holds mail sent by anything else on the account). */
function leftToday(quota: SendQuota, warmUp: WarmUp | undefined, now: Date): { remaining: number } | undefined {
  const limit = dailyLimit(quota, warmUp, now);
  return limit >= 0 ? { remaining: Math.max(0, limit - quota.sentLast24Hours) } : undefined;
}

/** What one sender needs for an edition: built once, then shared by every batch. */
export async function sendContextFor(
  newsletter: NewsletterConfig,
  deps: SendDependencies,
  edition: EditionRecord,
  rendered: RenderedEdition,
  options: { rate?: number; concurrency?: number; senders?: number; warmUp?: WarmUp },
): Promise<Omit<SendContext, 'onProgress'>> {
  const quota = await deps.mailer.getSendQuota();
  // Senders running at once share the account's rate.
  const rate = options.rate ?? quota.maxSendRate / Math.max(1, options.senders ?? 1);
  const budget = leftToday(quota, options.warmUp, deps.clock.now());
  const template = await MessageTemplate.create(rendered, messageHeadersFor(newsletter, new Date(edition.createdAt)));
  const groupLocks = new GroupLocks({ clock: deps.clock, ledger: deps.ledger, editionId: edition.editionId, owner: deps.owner }, edition.deliveryGroups !== undefined);
  return {
    groupLocks,
    editionId: edition.editionId,
    newsletterId: newsletter.id,
    baseUrl: newsletter.baseUrl,
    fromAddress: newsletter.from.email,
    template,
    tokenKey: deps.tokenKey,
    ledger: deps.ledger,
    suppressions: deps.suppressions,
    subscribers: deps.subscribers,
    mailer: deps.mailer,
    clock: deps.clock,
    owner: deps.owner,
    ...(edition.deliveryGroups ? { groups: edition.deliveryGroups } : {}),
    pacer: new Pacer(rate, deps.clock),
    rate,
    latency: new LatencyGauge(),
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    ...(budget ? { budget } : {}),
  };
}

/** A moving average of how long one reader takes a sender (SES call plus mark), measured on the run's clock. */
class LatencyGauge {
  constructor(public ms = 50) {}
  record(ms: number): void {
    this.ms = this.ms * 0.9 + ms * 0.1;
  }
}

/**
 * Sends the edition to one batch of subscribers: locks the batch's delivery groups (one conditional
 * write per group, not one per reader), reads where those deliveries stand, skips the suppressed
 * and whoever has the edition, sends the rest and marks them sent before letting the groups go.
 * Every delivery ends sent, already sent, in progress elsewhere, suppressed or failed with a reason;
 * nothing is dropped silently.
 */
export async function sendBatch(ctx: SendContext, subscribers: Subscriber[], prepared?: Promise<PreparedBatch>, unfinished?: string[]): Promise<DeliveryReport> {
  const report = emptyReport();
  const started = ctx.clock.now().getTime();
  if (subscribers.length === 0) return report;
  const ready = await (prepared ?? prepareBatch(ctx, subscribers));
  const { groups, entries } = ready;
  const groupOf = (subscriber: Subscriber) => deliveryGroupOf(subscriber.id, ctx.groups);
  const concurrency = ctx.concurrency ?? concurrencyFor(ctx.rate, ctx.latency.ms);
  let index = 0;
  // Readers who left (unsubscribed, erased, bounced) since their page was read are dropped before
  // their turn: what the batch knows is read again once it is FRESH_FOR_MS old (a paced send of a
  // page takes minutes at a low rate).
  let left = ready.suppressed;
  let readAt = ready.readAt;
  let rereading: Promise<void> | undefined;
  const reread = () =>
    (rereading ??= (async () => {
      // From the readers the workers hold now (the one that asked included) to the end.
      const rest = subscribers.slice(Math.max(0, index - concurrency)).map((s) => s.id);
      const [still, suppressedNow] = await Promise.all([ctx.subscribers.getMany(ctx.newsletterId, rest), ctx.suppressions.suppressedAmong(rest)]);
      const confirmed = new Set(still.filter((s) => s.status === 'confirmed').map((s) => s.id));
      left = new Set([...left, ...suppressedNow, ...rest.filter((id) => !confirmed.has(id))]);
      readAt = ctx.clock.now().getTime();
    })().finally(() => (rereading = undefined)));
  const recorder = new SentRecorder(ctx, report);
  const skipped: string[] = [];
  // The first error of any worker stops them all before the marks are written and the groups let go:
  // a worker still sending after its group was released would send outside the lock.
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (index < subscribers.length && !failure && !recorder.failure) {
      if (ctx.budget && ctx.budget.remaining <= 0) return;
      // SES refused the account: every further message would be refused too and counted as a failed reader.
      if (report.paused) return;
      if (ctx.stopAt !== undefined && ctx.clock.now().getTime() >= ctx.stopAt) {
        report.outOfTime = true;
        return;
      }
      const subscriber = subscribers[index++]!;
      // Reserve the quota before the first await: checked here and spent later, parallel workers
      // would each see the last unit free and overshoot the 24-hour quota by up to `concurrency`.
      if (ctx.budget) ctx.budget.remaining--;
      try {
        if (ctx.clock.now().getTime() - readAt > FRESH_FOR_MS) await reread();
        const standing = left.has(subscriber.id) ? 'suppressed' : groups.has(groupOf(subscriber)) && (await ctx.groupLocks.keep(groupOf(subscriber))) ? standingOf(ctx, entries.get(subscriber.id)) : 'in-progress';
        if (standing === 'in-progress') unfinished?.push(subscriber.id);
        // Passed over on record, under the group's lock: every reader the edition ended has one record.
        if (standing === 'suppressed') skipped.push(subscriber.id);
        // A reader SES turned away for the daily quota is not failed: they wait with the rest.
        if ((await deliver(ctx, subscriber, report, standing, recorder)) === 'over-quota') unfinished?.push(subscriber.id);
      } catch (error) {
        failure ??= { error };
      }
      ctx.onProgress?.(report);
    }
  };
  await Promise.allSettled(Array.from({ length: Math.max(1, Math.min(concurrency, subscribers.length)) }, worker));
  await recorder.flush();
  if (skipped.length > 0) await ctx.ledger.markSkipped(ctx.editionId, skipped, ctx.clock.now().toISOString()).catch((error: unknown) => (failure ??= { error }));
  // Sends that could not be recorded keep their groups locked in the store until the lease runs
  // out: the next sender would otherwise find those readers without the edition and send at once.
  await ctx.groupLocks.release(groups, { keepInStore: Boolean(report.unrecorded) });
  if (failure) throw failure.error;
  if (recorder.failure) {
    throw new StoreError(`could not record ${report.unrecorded} sent deliveries of edition ${ctx.editionId} in the delivery ledger (${(recorder.failure as Error).message}); sending stopped: run again once DynamoDB takes writes (at most those readers may get a second copy)`);
  }
  if (index < subscribers.length && !report.paused && !report.outOfTime) stopForQuota(ctx, report);
  // Readers never reached (a quota stop, a pause) are the batch's unfinished business too.
  if (unfinished) for (const subscriber of subscribers.slice(index)) unfinished.push(subscriber.id);
  report.durationMs = ctx.clock.now().getTime() - started;
  report.rate = report.durationMs > 0 ? report.sent / (report.durationMs / 1000) : report.sent;
  return report;
}

/**
 * How old what a batch knows about its readers (subscribed, suppressed) may get before it is read
 * again for those not yet sent: an unsubscribe takes effect within this long even in a slow send.
 * An unpaced page is sent long before; a page at 1 message a second is read again every 30 readers.
 */
const FRESH_FOR_MS = 30_000;

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
export async function prepareBatch(ctx: Omit<SendContext, 'onProgress'>, subscribers: readonly Subscriber[], readAt = ctx.clock.now().getTime()): Promise<PreparedBatch> {
  const groupOf = (subscriber: Subscriber) => deliveryGroupOf(subscriber.id, ctx.groups);
  // One read for the whole batch, not one per reader: the store round trips, not SES, bounded the send.
  const suppressedRead = ctx.suppressions.suppressedAmong(subscribers.map((s) => s.id));
  suppressedRead.catch(() => {});
  const groups = await ctx.groupLocks.take(subscribers.map(groupOf));
  try {
    // A group this run locked first has no entries yet: nothing to read for its readers (a first send reads none).
    const known = subscribers.filter((s) => groups.has(groupOf(s)) && !ctx.groupLocks.lockedFirst(groupOf(s))).map((s) => s.id);
    const [suppressed, entries] = await Promise.all([suppressedRead, known.length ? ctx.ledger.entries(ctx.editionId, known) : new Map<string, DeliveryEntry>()]);
    return { groups, suppressed, entries, readAt };
  } catch (error) {
    await ctx.groupLocks.release(groups);
    throw error;
  }
}

/** Lets go of a batch prepared and then not sent (the send stopped first). */
export async function abandonBatch(ctx: Pick<SendContext, 'groupLocks'>, prepared: Promise<PreparedBatch>): Promise<void> {
  await prepared.then((batch) => ctx.groupLocks.release(batch.groups), () => {});
}

/** What a sender holding a reader's group does with them, from the reader's ledger entry. */
type Standing = 'send' | 'suppressed' | 'already-sent' | 'in-progress';

function standingOf(ctx: SendContext, entry: DeliveryEntry | undefined): Standing {
  if (entry?.status === 'sent') return 'already-sent';
  // A reader claimed on their own (the latest edition sent as a welcome), by someone still within their lease.
  if (entry?.status === 'claimed' && entry.owner !== ctx.owner && (entry.leaseUntil ?? '') > ctx.clock.now().toISOString()) return 'in-progress';
  return 'send';
}

/** Mark writes on their way at once; marks arriving meanwhile wait and go together in the next. */
const MARK_WRITES = 1;

/**
 * Records accepted sends in the ledger, many at a time (one BatchWriteItem instead of one write
 * each), one write on its way at a time: marks that arrive meanwhile wait and go together in the
 * next write (a group commit). A sender waits for its own mark to be written before it takes
 * the next reader, so each sender holds at most one reader SES has and the ledger does not: a crash
 * (kill -9, a Lambda timeout) re-sends at most `concurrency` readers, each with the same Message-ID.
 * A write that fails after its retries stops the batch (`failure`): nothing more is sent unrecorded.
 */
class SentRecorder {
  private waiting: { marks: { subscriberId: string; messageId: string }[]; written: Promise<void>; done(): void } | undefined;
  private readonly writes = new Set<Promise<void>>();
  failure: unknown;
  constructor(
    private readonly ctx: SendContext,
    private readonly report: DeliveryReport,
  ) {}

  /** Resolves once the mark is in the ledger, or once its write has failed for good (then `failure` is set). */
  add(subscriberId: string, messageId: string): Promise<void> {
    const next = (this.waiting ??= SentRecorder.group());
    next.marks.push({ subscriberId, messageId });
    if (this.writes.size < MARK_WRITES) this.startWrite();
    return next.written;
  }

  /** Writes whatever waits and every write on its way. */
  async flush(): Promise<void> {
    this.startWrite();
    while (this.writes.size > 0) await Promise.all(this.writes);
  }

  private static group() {
    let done!: () => void;
    const written = new Promise<void>((resolve) => (done = resolve));
    return { marks: [] as { subscriberId: string; messageId: string }[], written, done };
  }

  private startWrite(): void {
    const group = this.waiting;
    this.waiting = undefined;
    if (!group || group.marks.length === 0) {
      group?.done();
      return;
    }
    const write: Promise<void> = this.write(group.marks).finally(() => {
      this.writes.delete(write);
      group.done();
      // What arrived while the write was on its way goes next.
      if (this.waiting) this.startWrite();
    });
    this.writes.add(write);
  }

  private async write(batch: { subscriberId: string; messageId: string }[]): Promise<void> {
    const at = this.ctx.clock.now().toISOString();
    await pRetry(() => this.ctx.ledger.markSentMany(this.ctx.editionId, batch, at), { retries: 4, minTimeout: 100, randomize: true }).catch((error: unknown) => {
      // SES has these messages: they count as sent, and their groups stay locked until the lease runs out.
      this.report.unrecorded = (this.report.unrecorded ?? 0) + batch.length;
      this.failure ??= error;
    });
  }
}

/** The batch stops for the 24-hour quota: no worker takes another reader, and the run or queue goes on later. */
function stopForQuota(ctx: SendContext, report: DeliveryReport): void {
  if (ctx.budget) ctx.budget.remaining = 0;
  if (report.paused) return;
  report.stoppedReason ??= 'the 24-hour sending quota is used up; run again later to send the rest';
  report.paused = { reason: 'quota', detail: 'the 24-hour sending quota is used up' };
}

/** How a delivery ended for the worker: done (an outcome is in the report) or turned away by the quota (no outcome: the reader waits). */
type Delivered = 'done' | 'over-quota';

async function deliver(ctx: SendContext, subscriber: Subscriber, report: DeliveryReport, standing: Standing, recorder: SentRecorder): Promise<Delivered> {
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
    await ctx.ledger.markFailed(ctx.editionId, subscriber.id, reason, at());
    recordOutcome(report, 'failed', subscriber.id, reason);
    return 'done';
  }
}

function pauseForSes(report: DeliveryReport, reason: string): void {
  if (report.paused?.reason === 'ses-not-ready') return;
  const pause: DeliveryPause = { reason: 'ses-not-ready', detail: redactAddresses(reason) };
  report.paused = pause;
  report.stoppedReason = `SES refuses to send for this account or sender (${pause.detail}): verify the sender identity, leave the SES sandbox or fix the permission, then "newsletter editions resume"`;
}
