import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../functions/adapters/local/virtual-clock.js';
import { Pacer } from '../../functions/core/pacer.js';

const START = Date.parse('2026-11-30T08:00:00Z');

/** Milliseconds the clock has moved since the test began. */
const elapsed = (clock: VirtualClock) => clock.millis() - START;

describe('Pacer', () => {
  it('spaces N sends at rate R over (N - 1) / R seconds', async () => {
    const clock = new VirtualClock(START);
    const pacer = new Pacer(40, clock);
    const sends = (async () => {
      for (let i = 0; i < 9; i++) await pacer.wait();
    })();
    await sends;
    expect(elapsed(clock)).toBe((8 / 40) * 1000);
  });

  it('gives parallel senders distinct slots, 1/R apart', async () => {
    const clock = new VirtualClock(START);
    const pacer = new Pacer(20, clock);
    const slots: number[] = [];
    const waits = Array.from({ length: 5 }, () => pacer.wait().then(() => slots.push(elapsed(clock))));
    await Promise.all(waits);
    expect(slots.sort((a, b) => a - b)).toEqual([0, 50, 100, 150, 200]);
  });

  it('does not save up slots while idle: a send after a pause waits its full interval after the next', async () => {
    const clock = new VirtualClock(START);
    const pacer = new Pacer(10, clock);
    await pacer.wait();
    // An idle spell longer than many intervals...
    const idle = clock.sleep(5_000);
    await idle;
    const start = elapsed(clock);
    const waits = [pacer.wait(), pacer.wait(), pacer.wait()];
    await Promise.all(waits);
    // ...does not let a burst through: three sends still take two intervals.
    expect(elapsed(clock) - start).toBe(200);
  });
});
