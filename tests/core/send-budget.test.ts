import { describe, expect, it } from 'vitest';
import { BUDGET_BUCKET_MS, budgetBucket, grantable, oldestCountedBucket, roomFreesAt, warmUpCeiling } from '../../functions/core/send-budget.js';

describe('send budget', () => {
  it('grants what is left of the 24-hour limit, never more than wanted and never below zero', () => {
    expect(grantable(50, 1000, 980)).toBe(20);
    expect(grantable(50, 1000, 100)).toBe(50);
    expect(grantable(50, 1000, 1200)).toBe(0);
  });

  it('counts a reservation for a full day and at most a quarter hour more, as SES counts the send', () => {
    const sent = new Date('2026-12-01T10:07:00Z');
    const dayLater = new Date(sent.getTime() + 24 * 3600_000);
    expect(oldestCountedBucket(dayLater)).toBeLessThanOrEqual(budgetBucket(sent));
    const dayAndQuarterLater = new Date(sent.getTime() + 24 * 3600_000 + BUDGET_BUCKET_MS);
    expect(oldestCountedBucket(dayAndQuarterLater)).toBeGreaterThan(budgetBucket(sent));
  });

  it('says when the tally next has room: when enough of the oldest sends leave the 24-hour window', () => {
    const at = (iso: string) => budgetBucket(new Date(iso));
    // 1,000 a day: 600 sent at 08:00, 400 at 09:00. One unit frees when the 08:00 bucket stops counting.
    const held = new Map([
      [at('2026-12-01T09:00:00Z'), 400],
      [at('2026-12-01T08:00:00Z'), 600],
    ]);
    expect(roomFreesAt(held, 1000)?.toISOString()).toBe('2026-12-02T08:15:00.000Z');
    // A limit lowered below the 400 of 09:00: room only once that bucket leaves too.
    expect(roomFreesAt(held, 300)?.toISOString()).toBe('2026-12-02T09:15:00.000Z');
    // Room now, or nothing held: the tally cannot say.
    expect(roomFreesAt(held, 1200)).toBeUndefined();
    expect(roomFreesAt(new Map(), 0)).toBeUndefined();
  });

  it('grows a warm-up ceiling by its factor each day and has none without a warm-up', () => {
    const warmUp = { from: '2026-12-01', firstDay: 200, growth: 2 };
    expect(warmUpCeiling(warmUp, new Date('2026-11-30T12:00:00Z'))).toBe(200);
    expect(warmUpCeiling(warmUp, new Date('2026-12-01T23:59:00Z'))).toBe(200);
    expect(warmUpCeiling(warmUp, new Date('2026-12-03T10:00:00Z'))).toBe(800);
    expect(warmUpCeiling(undefined, new Date())).toBe(Infinity);
  });
});
