import { AsyncLocalStorage } from 'node:async_hooks';
import type { VirtualClock } from '../../adapters/local/virtual-clock.js';
import type { PreparedClient } from './lambda-timeout.js';

/**
 * Virtual time for the whole twin. The handlers take the VirtualClock as their Clock, but two
 * things read time on their own: fauxqs keeps message delays and visibility deadlines with
 * `Date.now()` and has no clock option, and the product's retry back-offs (p-retry, the store's
 * retries) wait on `setTimeout`. While the warp is installed, `Date` (no-argument construction and
 * `Date.now()`) reads the virtual clock, and a timer set inside an invocation's scope is a sleep of
 * that scope, so a back-off takes virtual time and no real time. Removed by the function
 * `installTimeWarp` returns; the twin installs it only for a simulated run.
 */

/**
 * One invocation's work on the twin's clock. Virtual time stands still while code runs and jumps
 * only when everything waits on the clock, but the clock sees a request (held by
 * `holdWhileCalling`) and a sleep, not the rest: building a MIME template or reading a file would
 * let a deadline pass mid-work. So a virtual scope holds the clock for the whole invocation except
 * while its code sleeps on the clock, and lets go for good at its end or kill.
 */
export interface InvocationScope {
  /** The invocation's sleeps (its Clock's `sleep`). */
  sleep(ms: number): Promise<void>;
  /** Runs the invocation's code inside the scope. */
  run<T>(work: () => Promise<T>): Promise<T>;
  /** The invocation is over (returned, or killed mid-work): it holds the clock no longer. */
  end(): void;
}

const scopes = new AsyncLocalStorage<VirtualScope>();
let installed: VirtualClock | undefined;

class VirtualScope implements InvocationScope {
  private parked = 0;
  private release: (() => void) | undefined;
  private ended = false;
  constructor(private readonly clock: VirtualClock) {}

  timer(ms: number, wake: () => void): () => void {
    this.parked++;
    this.letGo();
    let settled = false;
    const settle = () => {
      if (settled) return;
      settled = true;
      this.parked--;
      this.take();
    };
    const cancel = this.clock.timer(ms, () => {
      settle();
      wake();
    });
    return () => {
      cancel();
      settle();
    };
  }

  sleep(ms: number): Promise<void> {
    return ms <= 0 ? Promise.resolve() : new Promise((resolve) => this.timer(ms, resolve));
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    this.take();
    try {
      return await scopes.run(this, work);
    } finally {
      this.end();
    }
  }

  end(): void {
    this.ended = true;
    this.letGo();
  }

  private take(): void {
    if (!this.ended && !this.release && this.parked === 0) this.release = this.clock.hold();
  }

  private letGo(): void {
    this.release?.();
    this.release = undefined;
  }
}

/** A scope on the virtual clock (a simulated run). */
export function virtualScope(clock: VirtualClock): InvocationScope {
  return new VirtualScope(clock);
}

/** Real time needs no scope: code takes the time it takes. */
export function realScope(sleep: (ms: number) => Promise<void>): InvocationScope {
  return { sleep, run: (work) => work(), end: () => {} };
}

let handles = 0;
/** What a virtual setTimeout returns: enough of a Node Timeout for the SDK and p-retry. */
class VirtualTimeout {
  private readonly id = ++handles;
  constructor(readonly cancel: () => void) {}
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
  hasRef(): boolean {
    return false;
  }
  refresh(): this {
    return this;
  }
  close(): this {
    this.cancel();
    return this;
  }
  [Symbol.toPrimitive](): number {
    return this.id;
  }
}

export function installTimeWarp(clock: VirtualClock): () => void {
  if (installed) throw new Error('the time warp is already installed: one simulated run at a time in a process');
  const RealDate = Date;
  const realSetTimeout = globalThis.setTimeout;
  const realClearTimeout = globalThis.clearTimeout;
  globalThis.Date = new Proxy(RealDate, {
    construct: (target, args: unknown[], newTarget) => Reflect.construct(target, args.length === 0 ? [clock.millis()] : args, newTarget) as object,
    apply: () => new RealDate(clock.millis()).toString(),
    get: (target, property, receiver) => (property === 'now' ? () => clock.millis() : (Reflect.get(target, property, receiver) as unknown)),
  });
  globalThis.setTimeout = ((callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const owner = scopes.getStore();
    if (!owner || typeof callback !== 'function' || !(Number(ms) > 0)) return realSetTimeout(callback, ms, ...args);
    return new VirtualTimeout(owner.timer(Number(ms), () => scopes.run(owner, () => callback(...args))));
  }) as typeof setTimeout;
  globalThis.clearTimeout = ((handle?: unknown) => {
    if (handle instanceof VirtualTimeout) handle.cancel();
    else realClearTimeout(handle as Parameters<typeof clearTimeout>[0]);
  }) as typeof clearTimeout;
  installed = clock;
  return () => {
    globalThis.Date = RealDate;
    globalThis.setTimeout = realSetTimeout;
    globalThis.clearTimeout = realClearTimeout;
    installed = undefined;
  };
}

/**
 * Holds the virtual clock while each of a client's requests is on its way: with in-process servers
 * a request is work the clock must not jump over (a visibility deadline passing mid-request). Each
 * attempt, not the whole call: the SDK's back-off between attempts is a sleep on the clock.
 */
export function holdWhileCalling(client: PreparedClient, clock: Pick<VirtualClock, 'hold'>): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      const release = clock.hold();
      try {
        return await next(args);
      } finally {
        release();
      }
    },
    { step: 'deserialize', name: 'twinClockHold', priority: 'high' },
  );
}
