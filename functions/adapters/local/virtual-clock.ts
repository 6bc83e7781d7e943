import type { Clock } from '../../core/clock.js';

interface Sleeper {
  wakeAt: number;
  wake: () => void;
}

/**
 * A clock for proving rates without measuring wall time: time stands still while work runs and
 * jumps to the earliest sleeper's wake-up once the event loop has had a turn. A sender paced by it
 * and an SES server timed by it agree on "when", however slow or busy the machine is, so a rate
 * test asserts the product's pacing, not the host's speed. The local twin of the AWS stack runs a
 * whole edition on it (`npm run simulate`): a day of quota waits takes seconds.
 *
 * @example
 * const clock = new VirtualClock();
 * const ses = await FaultySesServer.start({ rate: 100, now: clock.millis });
 * await runDigest(newsletter, { ...deps, clock });
 * expect(ses.achievedRate()).toBeGreaterThanOrEqual(95);
 */
export class VirtualClock implements Clock {
  private time: number;
  private readonly sleepers: Sleeper[] = [];
  private scheduled = false;
  private holds = 0;

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
    return new Promise((resolve) => this.timer(ms, resolve));
  }

  /** Runs `wake` once the clock reaches `ms` from now; the function returned cancels it (a deadline that was met). */
  timer(ms: number, wake: () => void): () => void {
    const sleeper: Sleeper = { wakeAt: this.time + Math.max(0, ms), wake };
    this.sleepers.push(sleeper);
    this.schedule();
    return () => {
      const at = this.sleepers.indexOf(sleeper);
      if (at >= 0) this.sleepers.splice(at, 1);
    };
  }

  /**
   * Work the clock must not jump over, such as an HTTP request on its way: time stands still until
   * every hold is released, so a request never takes a day because a sleeper was due. The function
   * returned releases the hold (once).
   */
  hold(): () => void {
    this.holds++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holds--;
      if (this.holds === 0) this.schedule();
    };
  }

  /** When the earliest sleeper wakes, in milliseconds of this clock; undefined when nobody sleeps. */
  nextWake(): number | undefined {
    let next: number | undefined;
    for (const s of this.sleepers) if (next === undefined || s.wakeAt < next) next = s.wakeAt;
    return next;
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
      // Released holds schedule again: the jump waits for the last one.
      if (this.sleepers.length === 0 || this.holds > 0) return;
      this.sleepers.sort((a, b) => a.wakeAt - b.wakeAt);
      const next = this.sleepers.shift()!;
      // Never backwards: a sleeper registered before a jump may already be due.
      this.time = Math.max(this.time, next.wakeAt);
      next.wake();
      this.schedule();
    });
  }
}
