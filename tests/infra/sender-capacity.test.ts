import { describe, expect, it } from 'vitest';
import { MAX_RATE_PER_SENDER, senderCapacity } from '../../infra/sender-capacity.js';

describe('senderCapacity', () => {
  it('runs at least two senders, the minimum of an SQS event source, sharing the rate', () => {
    expect(senderCapacity(14)).toEqual({ maxConcurrency: 2, ratePerSender: 7 });
    expect(senderCapacity(1)).toEqual({ maxConcurrency: 2, ratePerSender: 0.5 });
  });

  it('adds senders as the rate grows and never exceeds the account rate in total', () => {
    for (const rate of [14, 50, 200, 333, 1000]) {
      const { maxConcurrency, ratePerSender } = senderCapacity(rate);
      expect(ratePerSender).toBeLessThanOrEqual(MAX_RATE_PER_SENDER);
      expect(maxConcurrency * ratePerSender).toBeLessThanOrEqual(rate);
      expect(maxConcurrency * ratePerSender).toBeGreaterThan(rate * 0.95);
    }
  });

  it('refuses a rate that is not positive', () => {
    expect(() => senderCapacity(0)).toThrow(/positive/);
  });
});
