import ipaddr from 'ipaddr.js';

/**
 * How much confirmation mail sign-ups may cause. A sign-up form is a way to make the product mail
 * any address: without limits one script fills a stranger's inbox (list-bombing) and spends the SES
 * quota that editions need.
 */
export interface SignUpLimitSettings {
  /** Confirmations per mailbox (plus-addressing and dots folded) per hour. */
  perMailboxPerHour: number;
  /** Confirmations caused by one client (source IP; an IPv6 client by its /64, see clientGroup) per hour. */
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

/**
 * The client a sign-up is counted against: an IPv4 address as it is (also when it arrives
 * IPv4-mapped, `::ffff:192.0.2.1`), an IPv6 address by its /64. One IPv6 subscriber line or host
 * is usually given a whole /64 and picks any address in it at will, so counting single IPv6
 * addresses would let one client cause as many confirmations as it likes. Anything that is not an
 * IP address is counted as given.
 *
 * @example
 * clientGroup('2001:db8:1:2:aaaa::1'); // '2001:db8:1:2::/64'
 * clientGroup('::ffff:192.0.2.1'); // '192.0.2.1'
 */
export function clientGroup(client: string): string {
  const trimmed = client.trim();
  if (!ipaddr.isValid(trimmed)) return trimmed;
  const address = ipaddr.process(trimmed);
  if (address.kind() === 'ipv4') return address.toString();
  const parts = (address as ipaddr.IPv6).parts.slice(0, 4).map((part) => part.toString(16));
  return `${parts.join(':')}::/64`;
}
