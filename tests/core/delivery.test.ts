import { describe, expect, it } from 'vitest';
import { concurrencyFor, emptyReport, MAX_CONCURRENCY, MAX_REPORTED_FAILURES, MIN_CONCURRENCY, mergeReports, recordOutcome } from '../../functions/core/delivery.js';

describe('delivery report', () => {
  it('counts each outcome and keeps failure reasons without addresses', () => {
    const report = emptyReport();
    recordOutcome(report, 'sent', 'a');
    recordOutcome(report, 'already-sent', 'b');
    recordOutcome(report, 'suppressed', 'c');
    recordOutcome(report, 'failed', 'd', 'SES refused the message: MessageRejected: Address blacklisted: someone@example.com');
    expect(report).toMatchObject({ sent: 1, alreadySent: 1, suppressed: 1, failed: 1 });
    expect(report.failures).toEqual([{ subscriberId: 'd', reason: 'SES refused the message: MessageRejected: Address blacklisted: [address]' }]);
  });

  it('caps the listed failures but not the count', () => {
    const report = emptyReport();
    for (let i = 0; i < MAX_REPORTED_FAILURES + 20; i++) recordOutcome(report, 'failed', String(i), 'boom');
    expect(report.failed).toBe(MAX_REPORTED_FAILURES + 20);
    expect(report.failures).toHaveLength(MAX_REPORTED_FAILURES);
  });

  it('adds up the reports of separate batches', () => {
    const a = { ...emptyReport(), sent: 3, failed: 1, durationMs: 1000, failures: [{ subscriberId: 'x', reason: 'r' }] };
    const b = { ...emptyReport(), sent: 5, throttledRetries: 2, durationMs: 2000, stoppedReason: 'quota' };
    expect(mergeReports(a, b)).toMatchObject({ sent: 8, failed: 1, throttledRetries: 2, durationMs: 2000, rate: 4, stoppedReason: 'quota', failures: [{ subscriberId: 'x', reason: 'r' }] });
  });
});

describe('concurrencyFor', () => {
  it('keeps enough sends in flight to reach the rate at the measured latency, with headroom', () => {
    // 400/s at 50 ms a call needs 20 in flight (Little's law); half again for jitter.
    expect(concurrencyFor(400, 50)).toBe(30);
    expect(concurrencyFor(100, 40)).toBe(6);
  });

  it('stays between the floor and the cap, also for an unpaced run', () => {
    expect(concurrencyFor(14, 20)).toBe(MIN_CONCURRENCY);
    expect(concurrencyFor(100_000, 5)).toBe(MAX_CONCURRENCY);
    expect(concurrencyFor(Infinity, 5)).toBe(MAX_CONCURRENCY);
  });
});
