import type { ArticleDigest } from './article.js';
import type { DeliveryPause, DeliveryReport } from './delivery/report.js';

/**
 * The life of an edition, as pure rules: both send paths (the in-process send of `digest` and
 * `dev`, and the queued send on AWS) and `editions resume` decide with these, then write the result.
 *
 *   sending ──every delivery ended──▶ sent
 *      │  ▲
 *      │  └── editions resume (rates judged afresh from here)
 *      ▼  │
 *   paused (bounce or complaint rate over its limit, or SES refusing the account: waits for a person)
 *
 * With approval "manual" an edition starts as a draft: approved, it becomes sending; skipped, it ends
 * there (the review use case moves it, with one conditional write).
 *
 * A quota stop or another run's deliveries leave the edition 'sending': the next run goes on.
 */

/** `draft` waits for an operator's approval (approval: "manual"); `skipped` was turned down and sends nothing. */
export type EditionStatus = 'draft' | 'skipped' | 'sending' | 'sent' | 'paused';

export interface EditionRecord {
  newsletterId: string;
  editionId: string;
  status: EditionStatus;
  createdAt: string;
  subject: string;
  date: string;
  /** Key points are kept for the archive's feed; editions stored before that have none. */
  articles: (Pick<ArticleDigest, 'id' | 'title' | 'url' | 'urlKey'> & { keyPoints?: string[] })[];
  finishedAt?: string;
  /** Fan-out on AWS: how many subscribers were queued, and what the senders and SES feedback added up. */
  queued?: number;
  /**
   * Distinct readers the queued edition is for, as the delivery ledger counts them (one record per
   * reader, see DeliveryLedger.countEnded): the edition is done when that many have an ending on
   * record. The counters above only say when to look: SQS may deliver a batch twice, and a batch
   * counted twice would close the edition early.
   */
  readers?: number;
  counts?: EditionCounts;
  /** Counters when a person resumed a paused edition; rates are judged on what came after. */
  baseline?: EditionCounts;
  pausedReason?: string;
  report?: DeliveryReport;
  /**
   * Into how many delivery groups the edition's readers are split for sending (see
   * deliveryGroupOf): fixed at creation so every sender locks the same groups. Absent on editions
   * made before groups existed: those lock reader by reader.
   */
  deliveryGroups?: number;
  /** What editors changed in the draft before it went out, oldest first (the original model is kept with the render). */
  edits?: DraftEditEntry[];
  /** With a language-model extractor: what it did over this edition's articles (absent with the embedded one). */
  extraction?: ExtractionSummary;
}

/**
 * A language-model extractor over one edition, as the edition keeps it: how many articles it read,
 * how many answers came from the cache, how many points it stated a figure or name the article does
 * not (each dropped and replaced from the embedded extractor), and how many articles fell back to
 * the embedded extractor whole.
 */
export interface ExtractionSummary {
  extractor: string;
  articles: number;
  cached: number;
  dropped: number;
  fallbacks: number;
}

/** One editor's changes to a draft: who, when, and what, in words ("subject: “A” → “B”"). */
interface DraftEditEntry {
  by: string;
  at: string;
  changes: string[];
}

/** Counters that many senders and feedback notifications add to at once. */
export interface EditionCounts {
  sent: number;
  alreadySent: number;
  suppressed: number;
  failed: number;
  throttledRetries: number;
  bounces: number;
  complaints: number;
  /** SES events of the configuration set: the receiving server accepted the message. */
  delivered?: number;
  /** SES refused to send (a virus found in the message); the recipient got nothing. */
  rejected?: number;
  /** The receiving server put the message off for now (SES keeps trying). */
  delayed?: number;
  /** Open-pixel loads (newsletters with countOpensAndClicks; no reader recorded, so not distinct readers). */
  opens?: number;
  /** Clicks on the edition's links (the same). */
  clicks?: number;
}

/** When SES feedback says an edition is hurting the account, sending pauses. */
export interface ReputationLimits {
  /** SES reviews accounts at 5% bounces. */
  bounceRate: number;
  /** ... and at 0.1% complaints. */
  complaintRate: number;
  /** Rates are only judged after this many messages, so two early bounces do not stop a send. */
  minimumSample?: number;
}

/** How long a queued batch waits for the 24-hour quota before it tries again (the rolling window frees units gradually). */
export const QUOTA_RETRY_SECONDS = 900;
/**
 * How long a queued batch waits for the 24-hour quota: until the shared tally next has room when it
 * says (`roomAt`), at least a minute; QUOTA_RETRY_SECONDS when it cannot say (SES's own count stopped
 * the batch, or mail sent outside the tally).
 *
 * @example
 * quotaWaitSeconds(new Date('2026-12-02T08:15:00Z'), new Date('2026-12-01T09:00:00Z')); // 83700
 */
export function quotaWaitSeconds(roomAt: Date | undefined, now: Date, warmUpBinds = false): number {
  if (!roomAt) return QUOTA_RETRY_SECONDS;
  let until = roomAt.getTime();
  // A warm-up's ceiling grows at each UTC midnight: look again then, not only when old sends leave the window.
  if (warmUpBinds) until = Math.min(until, Math.floor(now.getTime() / 86_400_000 + 1) * 86_400_000);
  return Math.max(CLAIM_RETRY_SECONDS, Math.ceil((until - now.getTime()) / 1000));
}
/** How long a queued batch waits for another sender to finish the deliveries it holds. */
export const CLAIM_RETRY_SECONDS = 60;

/** Why sending should pause, judged from the edition's counters, or undefined to go on. */
export function reputationStop(counts: EditionCounts | undefined, limits: ReputationLimits | undefined, baseline?: EditionCounts): string | undefined {
  if (!counts || !limits) return undefined;
  const sent = counts.sent - (baseline?.sent ?? 0);
  const bounces = counts.bounces - (baseline?.bounces ?? 0);
  const complaints = counts.complaints - (baseline?.complaints ?? 0);
  if (sent < (limits.minimumSample ?? 100)) return undefined;
  if (complaints / sent >= limits.complaintRate) {
    return (
      `complaint rate ${pct(complaints / sent)} reached the limit of ${pct(limits.complaintRate)}: ` +
      `check the list's consent, then "newsletter editions resume"`
    );
  }
  if (bounces / sent >= limits.bounceRate) {
    return `bounce rate ${pct(bounces / sent)} reached the limit of ${pct(limits.bounceRate)}: clean the list, then "newsletter editions resume"`;
  }
  return undefined;
}

/** The counter increments of one batch's report. */
export function countsOf(report: DeliveryReport): Partial<EditionCounts> {
  return {
    sent: report.sent,
    alreadySent: report.alreadySent,
    suppressed: report.suppressed,
    failed: report.failed,
    throttledRetries: report.throttledRetries,
  };
}

/** Reputation and a not-ready SES wait for a person; a quota stop goes on by itself. */
export function waitsForPerson(pause: DeliveryPause | undefined): boolean {
  return pause?.reason === 'reputation' || pause?.reason === 'ses-not-ready';
}

/**
 * Where the in-process send leaves an edition that it did not pause: sent when everyone has it;
 * otherwise still sending (a quota stop or another run's deliveries), so the next run resumes.
 */
export function afterLocalSend(report: DeliveryReport, now: Date): Partial<EditionRecord> {
  return report.stoppedReason
    ? { status: 'sending', report, pausedReason: report.stoppedReason }
    : { status: 'sent', report, finishedAt: now.toISOString(), pausedReason: undefined };
}

/**
 * A fanned-out edition is complete once every queued delivery has ended (sent, already sent,
 * suppressed or failed). Both the digest (after queuing) and each sender (after its batch) check, so whichever
 * finishes last closes the edition.
 */
export function queuedEditionComplete(record: EditionRecord): boolean {
  if (record.status !== 'sending' || record.queued === undefined) return false;
  return endedDeliveries(record.counts) >= record.queued;
}

/** With the counters saying done (queuedEditionComplete), whether the ledger's count of readers with an ending agrees. */
export function ledgerSaysComplete(record: EditionRecord, endedOnRecord: number): boolean {
  return endedOnRecord >= (record.readers ?? record.queued ?? Infinity);
}

/** What a queued batch does next, from its report. */
export type AfterQueuedBatch =
  /** SES refuses the account: every other batch would be refused too, so the edition waits for `editions resume`. */
  | { next: 'pause'; reason: string }
  /** Some deliveries could not be made now (quota, another sender's group lock): queue the batch again after a wait. */
  | { next: 'retry'; reason: string; afterSeconds: number }
  | { next: 'done' };

/** `quotaWait`: how long a quota stop waits (quotaWaitSeconds, when the tally says when it has room). */
export function afterQueuedBatch(report: DeliveryReport, quotaWait = QUOTA_RETRY_SECONDS): AfterQueuedBatch {
  if (report.paused?.reason === 'ses-not-ready') return { next: 'pause', reason: report.stoppedReason! };
  // Out of time: the readers not reached go straight back on the queue for a fresh invocation.
  if (report.outOfTime && !report.paused)
    return { next: 'retry', reason: 'the invocation ran out of time', afterSeconds: report.inProgress > 0 ? CLAIM_RETRY_SECONDS : 0 };
  // Nobody may be left out silently: a quota stop or another sender's live group lock sends the batch back.
  const retry =
    report.stoppedReason ??
    (report.inProgress > 0 ? `${report.inProgress} deliveries are held by another sender` : undefined) ??
    (report.handedBack ? `${report.handedBack} deliveries met SES errors on every attempt` : undefined);
  if (!retry) return { next: 'done' };
  return { next: 'retry', reason: retry, afterSeconds: report.paused?.reason === 'quota' ? quotaWait : CLAIM_RETRY_SECONDS };
}

/** What `editions resume` does with an edition on one machine. */
export type ResumeDecision =
  /** Back to sending, judged afresh: `changes` is what to write. */
  | { next: 'resume'; changes: Partial<EditionRecord> }
  /** Still sending (a quota stop, an interrupted run): the next run goes on by itself. */
  | { next: 'goes-on' }
  | { next: 'refuse'; reason: string };

/**
 * `editions resume`: a paused edition goes back to sending, with its counters so far as the
 * baseline, or the old bounces would pause it again at once. A sent edition is refused with why.
 */
export function resumeEdition(edition: EditionRecord): ResumeDecision {
  if (edition.status === 'sending') return { next: 'goes-on' };
  if (edition.status !== 'paused') {
    return {
      next: 'refuse',
      reason:
        `edition ${edition.editionId} is ${edition.status}, not paused: nothing to resume ` +
        `("npx newsletter editions resend ${edition.editionId}" sends its failed deliveries again)`,
    };
  }
  return { next: 'resume', changes: { status: 'sending', pausedReason: undefined, ...(edition.counts ? { baseline: edition.counts } : {}) } };
}

/**
 * Deliveries that reached an end (sent, found already sent, suppressed or failed): what `queued` is
 * measured against. A reader found already sent counts too: a batch that failed after sending (a
 * mark write refused, a timeout) never added its counts, and its redelivery finds those readers
 * sent; without them the edition would wait forever, and with it every later scheduled run, which
 * resumes the edition instead of building a new one. A batch counted twice (SQS delivering it again
 * after it was counted) closes the edition a little early instead; its sends still go out.
 */
export function endedDeliveries(counts: EditionCounts | undefined): number {
  return (counts?.sent ?? 0) + (counts?.alreadySent ?? 0) + (counts?.suppressed ?? 0) + (counts?.failed ?? 0);
}

function pct(x: number): string {
  return `${(x * 100).toFixed(2)}%`;
}

/** What an edition did, for `editions show` and the review page: messages sent, and what SES said of them since. */
export interface EditionOutcome {
  sent: number;
  delivered: number;
  bounces: number;
  complaints: number;
  rejected: number;
  delayed: number;
}

export function editionOutcome(edition: Pick<EditionRecord, 'counts' | 'report'>): EditionOutcome {
  const c = edition.counts;
  return {
    sent: c?.sent ?? edition.report?.sent ?? 0,
    delivered: c?.delivered ?? 0,
    bounces: c?.bounces ?? 0,
    complaints: c?.complaints ?? 0,
    rejected: c?.rejected ?? 0,
    delayed: c?.delayed ?? 0,
  };
}
