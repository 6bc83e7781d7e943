import type { Clock } from './clock.js';

/**
 * Paces sends to a rate: each send takes the next free slot, 1/rate seconds after the previous one.
 * Sending at the account's rate, rather than as fast as possible, keeps throttling the exception.
 */
export class Pacer {
  private next = 0;
  constructor(
    private readonly rate: number,
    private readonly clock: Clock,
  ) {}

  async wait(): Promise<void> {
    const now = this.clock.now().getTime();
    const slot = Math.max(now, this.next);
    this.next = slot + 1000 / this.rate;
    if (slot > now) await this.clock.sleep(slot - now);
  }
}
