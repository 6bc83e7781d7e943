import type { Clock } from '../../functions/core/clock.js';

/**
 * A clock for proving rates without measuring wall time: time stands still while work runs and
 * jumps to the earliest sleeper's wake-up once the event loop has had a turn. A sender paced by it
 * and an SES server timed by it agree on "when", however slow or busy the machine is, so a rate
 * test asserts the product's pacing, not the host's speed.
 *
 * @example
 * const clock = new VirtualClock();
 * const ses = await FaultySesServer.start({ rate: 100, now: clock.millis });
 * await runDigest(newsletter, { ...deps, clock });
 * expect(ses.achievedRate()).toBeGreaterThanOrEqual(95);
 */
export class VirtualClock implements Clock {
  private time: number;
  private readonly sleepers: { wakeAt: number; wake: () => void }[] = [];
  private scheduled = false;

  constructor(start = Date.parse('2026-11-30T08:00:00Z')) {
    this.time = start;
  }

  /** Milliseconds on this clock (for servers that keep their own time with it). */
  readonly millis = (): number => this.time;

  now(): Date {
    return new Date(this.time);
  }

  sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.sleepers.push({ wakeAt: this.time + ms, wake: resolve });
      this.schedule();
    });
  }

  /** Moves the time on by `ms` at once, waking whoever that passes (a day going by). */
  advance(ms: number): void {
    this.time += ms;
    this.sleepers.sort((a, b) => a.wakeAt - b.wakeAt);
    while (this.sleepers.length > 0 && this.sleepers[0]!.wakeAt <= this.time) this.sleepers.shift()!.wake();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (this.sleepers.length === 0) return;
      this.sleepers.sort((a, b) => a.wakeAt - b.wakeAt);
      const next = this.sleepers.shift()!;
      // Never backwards: a sleeper registered before a jump may already be due.
      this.time = Math.max(this.time, next.wakeAt);
      next.wake();
      this.schedule();
    });
  }
}
