/** Fewest and most sends in flight when the number follows the rate. */
export const MIN_CONCURRENCY = 2;
export const MAX_CONCURRENCY = 64;

/**
 * Sends in flight needed to keep `rate` messages per second when one SES call takes `latencyMs`
 * (Little's law), with half again for jitter, capped: a slow account needs few, an unpaced run on
 * a fast server many. A fixed number either starves a fast account or piles up behind a slow one.
 */
export function concurrencyFor(rate: number, latencyMs: number): number {
  const needed = Math.ceil(rate * (Math.max(0, latencyMs) / 1000) * 1.5);
  return Math.max(MIN_CONCURRENCY, Math.min(MAX_CONCURRENCY, Number.isFinite(needed) ? needed : MAX_CONCURRENCY));
}
