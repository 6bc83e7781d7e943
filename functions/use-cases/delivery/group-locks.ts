import type { Clock } from '../../core/clock.js';
import { DEFAULT_LEASE_SECONDS } from '../../core/delivery/groups.js';
import type { DeliveryLedger, GroupClaim } from '../../ports/delivery-ledger.js';

/**
 * The delivery-group locks one sending run holds, shared by its batches (a group can straddle two
 * pages, and the next page is prepared while one is sent): a group is locked in the store once,
 * counted per batch holding it, and let go when the last of them ends. A lock is kept alive while
 * a slow, paced batch runs: renewed at half its lease, only if it is still this run's (never
 * re-taken), so a lock lost meanwhile (a sleep longer than the lease, another sender taking over)
 * leaves the rest of its readers to whoever took it. One GroupLocks per run or queued batch: a
 * registry outliving its run would hold locks nobody renews.
 */
export class GroupLocks {
  private readonly held = new Map<string, { until: number; holders: number; first: boolean; renewal?: Promise<boolean> }>();
  private readonly taking = new Map<string, Promise<GroupClaim>>();
  private readonly releasing = new Map<string, Promise<void>>();
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
    const claims = await Promise.allSettled(
      [...new Set(groups)].map(async (group) => {
        if (await this.acquire(group)) mine.add(group);
      }),
    );
    const failed = claims.find((claim): claim is PromiseRejectedResult => claim.status === 'rejected');
    if (failed) {
      // Locks taken before the store failed would otherwise stay held until their lease runs out.
      await this.release(mine);
      throw failed.reason;
    }
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
    lock.renewal ??= this.ctx.ledger.renewGroup(this.ctx.editionId, group, this.request()).then(
      (ours) => {
        lock.renewal = undefined;
        if (ours) lock.until = this.ctx.clock.now().getTime() + this.leaseMs;
        else this.held.delete(group);
        return ours;
      },
      (error: unknown) => {
        lock.renewal = undefined;
        throw error;
      },
    );
    return lock.renewal;
  }

  /**
   * One batch is done with these groups; a group nobody in this run holds any more is let go.
   * `keepInStore`: the batch has sends it could not record, so the store's lock stays until its
   * lease runs out (the next sender would otherwise find those readers without the edition at once).
   */
  async release(groups: Iterable<string>, options: { keepInStore?: boolean } = {}): Promise<void> {
    const letGo: Promise<void>[] = [];
    for (const group of groups) {
      const lock = this.held.get(group);
      if (!lock || --lock.holders > 0) continue;
      this.held.delete(group);
      if (options.keepInStore) continue;
      // A lock not given back runs out by itself: a failed release never fails the batch.
      const release = this.ctx.ledger
        .releaseGroup(this.ctx.editionId, group, this.ctx.owner)
        .catch(() => {})
        .finally(() => this.releasing.delete(group));
      this.releasing.set(group, release);
      letGo.push(release);
    }
    await Promise.all(letGo);
  }

  private async acquire(group: string): Promise<boolean> {
    const lock = this.held.get(group);
    if (lock) {
      lock.holders++;
      return true;
    }
    // A release of ours still on its way could land after this claim and free the lock under us.
    await this.releasing.get(group);
    // Two batches asking at once make one store call.
    let taking = this.taking.get(group);
    if (!taking) {
      taking = this.ctx.ledger.claimGroup(this.ctx.editionId, group, this.request()).finally(() => this.taking.delete(group));
      this.taking.set(group, taking);
    }
    const claim = await taking;
    if (claim === 'in-progress') return false;
    const now = this.held.get(group);
    if (now) now.holders++;
    else this.held.set(group, { until: this.ctx.clock.now().getTime() + this.leaseMs, holders: 1, first: claim === 'first' });
    return true;
  }

  private request() {
    const now = this.ctx.clock.now();
    return { at: now.toISOString(), owner: this.ctx.owner, leaseUntil: new Date(now.getTime() + this.leaseMs).toISOString() };
  }
}
