import type { Clock } from '../../core/clock.js';
import { systemClock } from '../../adapters/system-clock.js';
import type { VirtualClock } from '../../adapters/local/virtual-clock.js';
import { realScope, virtualScope, type InvocationScope } from './time-warp.js';

/** Time as the twin's own parts (poller, containers) use it: the handlers' clock, and cancellable timers on it. */
export interface TwinTime {
  /** The handlers' clock (AwsContext's). */
  clock: Clock;
  /** Set for a simulated run: the clock that time jumps on. */
  virtual?: VirtualClock;
  now(): number;
  /** Calls `wake` in `ms`; the function returned cancels it. */
  timer(ms: number, wake: () => void): () => void;
  /** A scope for one invocation's code (time-warp.ts). */
  scope(): InvocationScope;
}

export function virtualTime(clock: VirtualClock): TwinTime {
  return { clock, virtual: clock, now: clock.millis, timer: (ms, wake) => clock.timer(ms, wake), scope: () => virtualScope(clock) };
}

/** Real time, for the twin beside the dev server. */
export function realTime(): TwinTime {
  return {
    clock: systemClock,
    now: () => Date.now(),
    timer: (ms, wake) => {
      const timer = setTimeout(wake, Math.max(0, ms));
      return () => clearTimeout(timer);
    },
    scope: () => realScope(systemClock.sleep),
  };
}
