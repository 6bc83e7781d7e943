import { describe, expect, it } from 'vitest';
import { gbSeconds } from '../../../functions/cli/stack-twin/billing.js';

describe('gbSeconds', () => {
  it('bills duration times memory in GB', () => {
    expect(gbSeconds(180_000, 512)).toBe(90);
    expect(gbSeconds(1_500, 1024)).toBe(1.5);
  });

  it('refuses a negative duration, naming it', () => {
    expect(() => gbSeconds(-1, 512)).toThrow(/-1 ms/);
  });
});
