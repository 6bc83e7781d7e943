import { describe, expect, it } from 'vitest';
import type { Clock } from '../../functions/core/clock.js';
import { Pacer } from '../../functions/core/pacer.js';

/** A clock that only moves when a sleeper is woken: sleeps complete in wake-time order, instantly. */
class FakeClock implements Clock {
  private time = 1_000_000;
  private sleepers: { wakeAt: number; wake: () => void }[] = [];

  now(): Date {
    return new Date(this.time);
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.sleepers.push({ wakeAt: this.time + ms, wake: resolve }));
  }

  /** Wakes every sleeper, earliest first, moving the time to each wake-up; returns when none are left. */
  async runAll(): Promise<void> {
    await settle();
    while (this.sleepers.length > 0) {
      this.sleepers.sort((a, b) => a.wakeAt - b.wakeAt);
      const next = this.sleepers.shift()!;
      this.time = Math.max(this.time, next.wakeAt);
      next.wake();
      await settle();
    }
  }

  get elapsed(): number {
    return this.time - 1_000_000;
  }
}

/** Lets resolved promises run their continuations. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

describe('Pacer', () => {
  it('spaces N sends at rate R over (N - 1) / R seconds', async () => {
    const clock = new FakeClock();
    const pacer = new Pacer(40, clock);
    const sends = (async () => {
      for (let i = 0; i < 9; i++) await pacer.wait();
    })();
    await clock.runAll();
    await sends;
    expect(clock.elapsed).toBe((8 / 40) * 1000);
  });

  it('gives parallel senders distinct slots, 1/R apart', async () => {
    const clock = new FakeClock();
    const pacer = new Pacer(20, clock);
    const slots: number[] = [];
    const waits = Array.from({ length: 5 }, () => pacer.wait().then(() => slots.push(clock.elapsed)));
    await clock.runAll();
    await Promise.all(waits);
    expect(slots.sort((a, b) => a - b)).toEqual([0, 50, 100, 150, 200]);
  });

  it('does not save up slots while idle: a send after a pause waits its full interval after the next', async () => {
    const clock = new FakeClock();
    const pacer = new Pacer(10, clock);
    await pacer.wait();
    // An idle spell longer than many intervals...
    const idle = clock.sleep(5_000);
    await clock.runAll();
    await idle;
    const start = clock.elapsed;
    const waits = [pacer.wait(), pacer.wait(), pacer.wait()];
    await clock.runAll();
    await Promise.all(waits);
    // ...does not let a burst through: three sends still take two intervals.
    expect(clock.elapsed - start).toBe(200);
  });
});
