/**
 * Time as the use cases see it. Injected everywhere (never read from the system in core or a use
 * case), so tests move time by hand and rate or expiry rules are proven without waiting.
 */
export interface Clock {
  now(): Date;
  sleep(ms: number): Promise<void>;
}
