import { redactAddresses } from '../subscriber.js';

/** How one delivery (edition × subscriber) ended. */
export type DeliveryOutcome = 'sent' | 'already-sent' | 'in-progress' | 'suppressed' | 'failed';

/**
 * Why an edition stopped before everyone had it: SES refusing the account or sender
 * (`ses-not-ready`: waits for a person, then `editions resume`), SES feedback over the limits
 * (`reputation`: the same), or the 24-hour quota (`quota`: goes on by itself when quota frees).
 * Handlers turn it into a metric and an alarm.
 */
export interface DeliveryPause {
  reason: 'ses-not-ready' | 'reputation' | 'quota';
  /** What SES said or which limit was reached; never an address. */
  detail: string;
}

/** Counts shown at the end of `newsletter digest` and stored with the edition. */
export interface DeliveryReport {
  sent: number;
  alreadySent: number;
  /** Held by another sender's live group lock (a second run at the same time): left to that sender, or to a later run. */
  inProgress: number;
  suppressed: number;
  failed: number;
  throttledRetries: number;
  /** Failures with reasons, by subscriber id (never the address); capped to keep the record small. */
  failures: { subscriberId: string; reason: string }[];
  durationMs: number;
  /** Messages per second achieved over the send. */
  rate: number;
  /** Messages SES accepted whose mark-sent write failed: a later run may send these readers a second copy. */
  unrecorded?: number;
  /** Set when sending stopped early (daily quota, bounce or complaint rate, SES not ready): what to do next. */
  stoppedReason?: string;
  /** The same stop as a value, for metrics and alarms. */
  paused?: DeliveryPause;
  /**
   * The send stopped taking readers because its time ran out (a Lambda invocation near its
   * deadline): not a pause, the readers not reached go back on the queue at once.
   */
  outOfTime?: boolean;
  /** Readers whose every attempt met throttling or server faults, handed back to the queue rather than failed (the queued send). */
  handedBack?: number;
}

export function emptyReport(): DeliveryReport {
  return { sent: 0, alreadySent: 0, inProgress: 0, suppressed: 0, failed: 0, throttledRetries: 0, failures: [], durationMs: 0, rate: 0 };
}

export const MAX_REPORTED_FAILURES = 100;

/** Adds one outcome to a report (mutates: reports are accumulated in a hot loop). */
export function recordOutcome(report: DeliveryReport, outcome: DeliveryOutcome, subscriberId: string, reason?: string): void {
  switch (outcome) {
    case 'sent':
      report.sent++;
      break;
    case 'already-sent':
      report.alreadySent++;
      break;
    case 'in-progress':
      report.inProgress++;
      break;
    case 'suppressed':
      report.suppressed++;
      break;
    case 'failed':
      report.failed++;
      // Reports are printed and logged: an SES error that names the address must not carry it along.
      if (report.failures.length < MAX_REPORTED_FAILURES) report.failures.push({ subscriberId, reason: redactAddresses(reason ?? 'unknown') });
      break;
  }
}

/** Sums reports of batches sent separately (SQS fan-out) into the edition's report. */
export function mergeReports(a: DeliveryReport, b: DeliveryReport): DeliveryReport {
  const durationMs = Math.max(a.durationMs, b.durationMs);
  const sent = a.sent + b.sent;
  return {
    sent,
    alreadySent: a.alreadySent + b.alreadySent,
    inProgress: a.inProgress + b.inProgress,
    suppressed: a.suppressed + b.suppressed,
    failed: a.failed + b.failed,
    throttledRetries: a.throttledRetries + b.throttledRetries,
    failures: [...a.failures, ...b.failures].slice(0, MAX_REPORTED_FAILURES),
    ...(a.unrecorded || b.unrecorded ? { unrecorded: (a.unrecorded ?? 0) + (b.unrecorded ?? 0) } : {}),
    durationMs,
    rate: durationMs > 0 ? sent / (durationMs / 1000) : 0,
    ...(a.stoppedReason || b.stoppedReason ? { stoppedReason: a.stoppedReason ?? b.stoppedReason } : {}),
    ...(a.paused || b.paused ? { paused: (a.paused ?? b.paused)! } : {}),
  };
}
