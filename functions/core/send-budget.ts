/**
 * The account's 24-hour sending quota, shared by every sender at once. SES counts sends over a
 * rolling 24 hours and refuses the one past its quota; senders that each read GetSendQuota and
 * spend what it shows overshoot it together (each sees the same units free). So senders reserve
 * sends from one shared tally before sending, kept in quarter-hour buckets: what the buckets of
 * the last 24 hours and a quarter hold is spent, and a reservation frees at most a quarter hour
 * later than SES frees the send itself.
 */

/** Length of one bucket of the shared tally, milliseconds. */
export const BUDGET_BUCKET_MS = 15 * 60 * 1000;
/** Buckets that count: a full day of them plus the one in progress, so no send is forgotten before SES forgets it. */
export const BUDGET_WINDOW_BUCKETS = (24 * 3600 * 1000) / BUDGET_BUCKET_MS + 1;

/** The bucket a time falls in, as a sortable number (quarter hours since the epoch). */
export function budgetBucket(now: Date): number {
  return Math.floor(now.getTime() / BUDGET_BUCKET_MS);
}

/** The oldest bucket still counted at `now`. */
export function oldestCountedBucket(now: Date): number {
  return budgetBucket(now) - BUDGET_WINDOW_BUCKETS + 1;
}

/**
 * How many of `wanted` sends may be reserved now, given the `limit` for 24 hours and what the
 * counted buckets already hold.
 *
 * @example
 * grantable(50, 1000, 980); // 20
 */
export function grantable(wanted: number, limit: number, reservedInWindow: number): number {
  return Math.max(0, Math.min(wanted, Math.floor(limit) - reservedInWindow));
}

/**
 * When the tally next has room under `limit`: the moment the oldest buckets whose sends, once they
 * stop counting, bring what `held` (sends by bucket) holds below the limit. Undefined when the tally
 * has room already (something else limits the batch) or nothing it holds would make room.
 *
 * @example
 * // 1,000 a day, all sent in the bucket of 08:00: room again when that bucket leaves the window.
 * roomFreesAt(new Map([[budgetBucket(new Date('2026-12-01T08:00:00Z')), 1000]]), 1000); // 2026-12-02T08:15:00Z
 */
export function roomFreesAt(held: ReadonlyMap<number, number>, limit: number): Date | undefined {
  let total = [...held.values()].reduce((sum, n) => sum + n, 0);
  if (total < Math.floor(limit)) return undefined;
  for (const bucket of [...held.keys()].sort((a, b) => a - b)) {
    total -= held.get(bucket) ?? 0;
    if (total < Math.floor(limit)) return new Date((bucket + BUDGET_WINDOW_BUCKETS) * BUDGET_BUCKET_MS);
  }
  return undefined;
}

/**
 * A new sending domain warms up: mailbox providers distrust a domain that sends a lot at once, so
 * its daily volume grows over the first weeks. `firstDay` messages on the day `from`, `growth`
 * times as many each day after, until the account's own quota is the lower limit.
 */
export interface WarmUp {
  /** The first day of the warm-up, `YYYY-MM-DD` (UTC). */
  from: string;
  /** Messages on the first day. */
  firstDay: number;
  /** Daily growth factor, e.g. 1.5 for half as many again each day. */
  growth: number;
}

/**
 * The warm-up's ceiling for 24 hours at `now`; Infinity once it has grown past any quota or
 * without a warm-up. Before `from` the first day's ceiling applies.
 *
 * @example
 * warmUpCeiling({ from: '2026-12-01', firstDay: 200, growth: 2 }, new Date('2026-12-03T10:00:00Z')); // 800
 */
export function warmUpCeiling(warmUp: WarmUp | undefined, now: Date): number {
  if (!warmUp) return Infinity;
  const day = Math.max(0, Math.floor((now.getTime() - Date.parse(`${warmUp.from}T00:00:00Z`)) / 86_400_000));
  const ceiling = warmUp.firstDay * warmUp.growth ** day;
  return Number.isFinite(ceiling) ? Math.floor(ceiling) : Infinity;
}
