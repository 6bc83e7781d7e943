import { describe, expect, it } from 'vitest';
import { concurrencyFor, MAX_CONCURRENCY, MIN_CONCURRENCY } from '../../../functions/core/delivery/concurrency.js';
import { DELIVERY_GROUP_SIZE, deliveryGroupOf, deliveryGroupsFor } from '../../../functions/core/delivery/groups.js';
import { emptyReport, MAX_REPORTED_FAILURES, mergeReports, recordOutcome } from '../../../functions/core/delivery/report.js';
import { SendBatchAssembler, sendBatchMessages } from '../../../functions/core/delivery/batch-assembler.js';

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
    expect(mergeReports(a, b)).toMatchObject({
      sent: 8,
      failed: 1,
      throttledRetries: 2,
      durationMs: 2000,
      rate: 4,
      stoppedReason: 'quota',
      failures: [{ subscriberId: 'x', reason: 'r' }],
    });
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

describe('delivery groups', () => {
  const hexIds = (n: number) =>
    Array.from(
      { length: n },
      (_, i) =>
        Math.floor(((i + 0.5) / n) * 0x1_0000_0000)
          .toString(16)
          .padStart(8, '0') + 'ab'.repeat(28),
    );

  it('splits an edition into groups of about fifty readers, at least one', () => {
    expect(deliveryGroupsFor(0)).toBe(1);
    expect(deliveryGroupsFor(1)).toBe(1);
    expect(deliveryGroupsFor(DELIVERY_GROUP_SIZE + 1)).toBe(2);
    expect(deliveryGroupsFor(1_000_000)).toBe(20_000);
  });

  it('puts hex ids in order into consecutive groups, every id in exactly one, evenly', () => {
    const ids = hexIds(1000);
    const groups = ids.map((id) => Number(deliveryGroupOf(id, 20)));
    expect(groups).toEqual([...groups].sort((a, b) => a - b));
    expect(new Set(groups).size).toBe(20);
    expect(Math.max(...groups)).toBe(19);
    const sizes = Array.from({ length: 20 }, (_, g) => groups.filter((x) => x === g).length);
    expect(sizes.every((n) => n === 50)).toBe(true);
  });

  it('groups ids of any other form by hash, and locks each reader alone for an edition without groups', () => {
    const group = deliveryGroupOf('reader-7', 4);
    expect(['0', '1', '2', '3']).toContain(group);
    expect(deliveryGroupOf('reader-7', 4)).toBe(group);
    expect(deliveryGroupOf(`0123abcd${'f'.repeat(56)}`, undefined)).toBe(`reader#0123abcd${'f'.repeat(56)}`);
  });

  it('queues whole groups per message, also when a group runs over a page boundary', () => {
    const ids = hexIds(400);
    const assembler = new SendBatchAssembler('weekly', 'ed-1', 8, 50);
    const messages = [...assembler.add(ids.slice(0, 130)), ...assembler.add(ids.slice(130, 275)), ...assembler.add(ids.slice(275)), ...assembler.finish()];
    expect(messages.flatMap((m) => m.subscriberIds)).toEqual(ids);
    const groupsOf = messages.map((m) => new Set(m.subscriberIds.map((id) => deliveryGroupOf(id, 8))));
    // Eight groups of fifty: one message each, none split.
    expect(groupsOf.map((g) => g.size)).toEqual(Array(8).fill(1));
    expect(messages.every((m) => m.editionId === 'ed-1' && m.newsletterId === 'weekly')).toBe(true);
  });

  it('splits a group far larger than a batch rather than queue one oversized message, and fills batches for an edition without groups', () => {
    const one = sendBatchMessages('weekly', 'ed-1', hexIds(500), 50, 1);
    expect(one.map((m) => m.subscriberIds.length)).toEqual([200, 200, 100]);
    const legacy = sendBatchMessages('weekly', 'ed-1', hexIds(120), 50);
    expect(legacy.map((m) => m.subscriberIds.length)).toEqual([50, 50, 20]);
  });
});
