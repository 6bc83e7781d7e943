import { describe, expect, it } from 'vitest';
import { senderCapacity } from '../../functions/core/send-topology.js';

describe('senderCapacity', () => {
  it('runs at least two senders, the minimum of an SQS event source, sharing the rate', () => {
    expect(senderCapacity(14)).toEqual({ maxConcurrency: 2, ratePerSender: 7 });
    expect(senderCapacity(1)).toEqual({ maxConcurrency: 2, ratePerSender: 0.5 });
  });

  it('adds senders as the rate grows and never exceeds the account rate in total', () => {
    for (const rate of [14, 50, 200, 333, 1000]) {
      const { maxConcurrency, ratePerSender } = senderCapacity(rate);
      // The README's capacity model: n = max(2, ceil(sendRate / 25)), each at most 25 messages/s.
      expect(maxConcurrency).toBe(Math.max(2, Math.ceil(rate / 25)));
      expect(ratePerSender).toBeLessThanOrEqual(25);
      expect(maxConcurrency * ratePerSender).toBeLessThanOrEqual(rate);
      expect(maxConcurrency * ratePerSender).toBeGreaterThan(rate * 0.95);
    }
  });

  it('adds a third sender just past 50 messages/s, 25 for each of two', () => {
    expect(senderCapacity(50)).toEqual({ maxConcurrency: 2, ratePerSender: 25 });
    expect(senderCapacity(51)).toEqual({ maxConcurrency: 3, ratePerSender: 17 });
  });

  it('refuses a rate that is not positive', () => {
    expect(() => senderCapacity(0)).toThrow(/positive/);
  });
});
