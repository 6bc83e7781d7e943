import { describe, expect, it } from 'vitest';
import { BUDGET_BUCKET_MS, budgetBucket, grantable, oldestCountedBucket, warmUpCeiling } from '../../functions/core/send-budget.js';

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

  it('grows a warm-up ceiling by its factor each day and has none without a warm-up', () => {
    const warmUp = { from: '2026-12-01', firstDay: 200, growth: 2 };
    expect(warmUpCeiling(warmUp, new Date('2026-11-30T12:00:00Z'))).toBe(200);
    expect(warmUpCeiling(warmUp, new Date('2026-12-01T23:59:00Z'))).toBe(200);
    expect(warmUpCeiling(warmUp, new Date('2026-12-03T10:00:00Z'))).toBe(800);
    expect(warmUpCeiling(undefined, new Date())).toBe(Infinity);
  });
});
