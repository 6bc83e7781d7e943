import type { Clock } from '../../core/clock.js';
import type { NewsletterConfig } from '../../core/config.js';
import type { DeliveryReport } from '../../core/delivery/report.js';
import type { EditionRecord } from '../../core/edition-lifecycle.js';
import type { RenderedEdition } from '../../core/edition.js';
import { Pacer } from '../../core/pacer.js';
import { warmUpCeiling, type WarmUp } from '../../core/send-budget.js';
import { MessageTemplate, messageHeadersFor } from '../../mail/message-template.js';
import type { DeliveryLedger } from '../../ports/delivery-ledger.js';
import type { EditionStore } from '../../ports/edition-store.js';
import type { Mailer, SendQuota } from '../../ports/mailer.js';
import type { SendBudget } from '../../ports/send-budget.js';
import type { SubscriberStore, SuppressionStore } from '../../ports/subscriber-store.js';
import { GroupLocks } from './group-locks.js';

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
  /**
   * The queued send: a reader whose retries all met throttling or server faults is not marked
   * failed but handed back with the batch (`unfinished`), so a burst of SES errors costs a minute,
   * not a reader. The hop budget bounds how long that can go on.
   */
  handBackTransient?: boolean;
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
  const groupLocks = new GroupLocks(
    { clock: deps.clock, ledger: deps.ledger, editionId: edition.editionId, owner: deps.owner },
    edition.deliveryGroups !== undefined,
  );
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
