import type { Clock } from '../core/clock.js';
import { DEFAULT_LEASE_SECONDS } from '../core/delivery.js';
import type { DeliveryLedger, GroupClaim } from '../ports/delivery-ledger.js';

/**
 * The delivery-group locks one sending run holds, shared by its batches (a group can straddle two
 * pages, and the next page is prepared while one is sent): a group is locked in the store once,
 * counted per batch holding it, and let go when the last of them ends. A lock is kept alive while
 * a slow, paced batch runs (renewed at half its lease); one lost meanwhile leaves the rest of its
 * readers to the sender that took it.
 */
export class GroupLocks {
  private readonly held = new Map<string, { until: number; holders: number; first: boolean; renewal?: Promise<boolean> }>();
  private readonly taking = new Map<string, Promise<GroupClaim>>();
  private readonly leaseMs: number;
  /**
   * `firstMeansUnsent`: false for an edition made before delivery groups, whose readers were
   * claimed one by one: a group lock new to it says nothing about what those senders did.
   */
  constructor(
    private readonly ctx: { clock: Clock; ledger: DeliveryLedger; editionId: string; owner: string; leaseSeconds?: number },
    private readonly firstMeansUnsent = true,
  ) {
    this.leaseMs = (ctx.leaseSeconds ?? DEFAULT_LEASE_SECONDS) * 1000;
  }

  /** Takes these groups for one batch; returns the ones it holds (the others are another sender's). */
  async take(groups: readonly string[]): Promise<Set<string>> {
    const mine = new Set<string>();
    await Promise.all([...new Set(groups)].map(async (group) => {
      if (await this.acquire(group)) mine.add(group);
    }));
    return mine;
  }

  /** Whether this run locked the group first, before any sender: then none of its readers has a ledger entry to read. */
  lockedFirst(group: string): boolean {
    return this.firstMeansUnsent && this.held.get(group)?.first === true;
  }

  /** True while the group is still ours; renews the lock once half its lease has passed. */
  async keep(group: string): Promise<boolean> {
    const lock = this.held.get(group);
    if (!lock) return false;
    if (this.ctx.clock.now().getTime() < lock.until - this.leaseMs / 2) return true;
    lock.renewal ??= this.claim(group).then((claim) => {
      const ours = claim !== 'in-progress';
      lock.renewal = undefined;
      if (ours) lock.until = this.ctx.clock.now().getTime() + this.leaseMs;
      else this.held.delete(group);
      return ours;
    });
    return lock.renewal;
  }

  /** One batch is done with these groups; a group nobody in this run holds any more is let go. */
  async release(groups: Iterable<string>): Promise<void> {
    const free: string[] = [];
    for (const group of groups) {
      const lock = this.held.get(group);
      if (!lock || --lock.holders > 0) continue;
      this.held.delete(group);
      free.push(group);
    }
    // A lock not given back runs out by itself: a failed release never fails the batch.
    await Promise.allSettled(free.map((group) => this.ctx.ledger.releaseGroup(this.ctx.editionId, group, this.ctx.owner)));
  }

  private async acquire(group: string): Promise<boolean> {
    const lock = this.held.get(group);
    if (lock) {
      lock.holders++;
      return true;
    }
    // Two batches asking at once make one store call.
    let taking = this.taking.get(group);
    if (!taking) {
      taking = this.claim(group).finally(() => this.taking.delete(group));
      this.taking.set(group, taking);
    }
    const claim = await taking;
    if (claim === 'in-progress') return false;
    const now = this.held.get(group);
    if (now) now.holders++;
    else this.held.set(group, { until: this.ctx.clock.now().getTime() + this.leaseMs, holders: 1, first: claim === 'first' });
    return true;
  }

  private claim(group: string): Promise<GroupClaim> {
    const now = this.ctx.clock.now();
    return this.ctx.ledger.claimGroup(this.ctx.editionId, group, { at: now.toISOString(), owner: this.ctx.owner, leaseUntil: new Date(now.getTime() + this.leaseMs).toISOString() });
  }
}
