/**
 * How much confirmation mail sign-ups may cause. A sign-up form is a way to make the product mail
 * any address: without limits one script fills a stranger's inbox (list-bombing) and spends the SES
 * quota that editions need.
 */
export interface SignUpLimitSettings {
  /** Confirmations per mailbox (plus-addressing and dots folded) per hour. */
  perMailboxPerHour: number;
  /** Confirmations caused by one client (source IP) per hour. */
  perClientPerHour: number;
  /** Confirmations in total per hour, whatever the SES quota. */
  perHour: number;
  /** Share of the SES 24-hour quota sign-ups may use; the rest stays for editions. */
  quotaShare: number;
}

export const DEFAULT_SIGN_UP_LIMITS: SignUpLimitSettings = { perMailboxPerHour: 3, perClientPerHour: 10, perHour: 200, quotaShare: 0.05 };

/**
 * Confirmations allowed in total this hour: the configured cap, and no more than `quotaShare` of
 * the SES 24-hour quota spread over the day (at least one, so a sandbox account can still sign up
 * its test readers). An unlimited or unknown quota leaves the configured cap.
 */
export function hourlyConfirmationBudget(settings: SignUpLimitSettings, quota: { max24HourSend: number } | undefined): number {
  if (!quota || quota.max24HourSend < 0) return settings.perHour;
  return Math.min(settings.perHour, Math.max(1, Math.floor((quota.max24HourSend * settings.quotaShare) / 24)));
}

/** The hour a moment falls in, as the window key of hourly counters: `2026-03-02T08`. */
export function hourWindow(now: Date): { key: string; endsAt: Date } {
  const start = new Date(now);
  start.setUTCMinutes(0, 0, 0);
  return { key: start.toISOString().slice(0, 13), endsAt: new Date(start.getTime() + 3600_000) };
}
