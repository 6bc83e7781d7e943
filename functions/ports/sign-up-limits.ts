/**
 * Counters behind the sign-up limits, kept in the shared store so that they hold across Lambda
 * instances and local processes alike.
 */
export interface SignUpLimitStore {
  /**
   * Counts one more under `counter` in `window` unless `limit` is reached; false when it was.
   * One conditional write, so concurrent requests cannot overshoot. `expiresAt` (epoch seconds)
   * lets the store forget the counter.
   */
  take(counter: string, window: string, limit: number, expiresAt: number): Promise<boolean>;
}
