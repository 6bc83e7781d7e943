import { clientGroup, DEFAULT_SIGN_UP_LIMITS, hourlyConfirmationBudget, hourWindow } from '../../core/sign-up-limits.js';
import { mailboxOf, pseudonym } from '../../core/subscriber.js';
import type { SubscriptionDependencies } from './dependencies.js';

/**
 * Counts this sign-up against its mailbox and its client; the limit reached, if any. Counted per
 * request, whatever the address's state, so a flood is cut off before it touches any subscriber.
 */
export async function perSenderLimitReached(
  deps: SubscriptionDependencies,
  email: string,
  client: string | undefined,
  now: Date,
): Promise<'mailbox' | 'client' | undefined> {
  const settings = deps.signUpLimitSettings ?? DEFAULT_SIGN_UP_LIMITS;
  if (!(await takeHourly(deps, now, `mailbox#${pseudonym(deps.tokenKeys.id, 'mailbox', mailboxOf(email))}`, settings.perMailboxPerHour))) return 'mailbox';
  if (client && !(await takeHourly(deps, now, `client#${pseudonym(deps.tokenKeys.id, 'client', clientGroup(client))}`, settings.perClientPerHour)))
    return 'client';
  return undefined;
}

/**
 * Counts one confirmation against the hourly total (a share of the SES quota); false when spent.
 * Sign-ups and `subscribers invite` both spend from it, so together they never exceed it.
 */
export async function hourlyBudgetAllows(deps: SubscriptionDependencies, now: Date): Promise<boolean> {
  const quota = await deps.mailer.getSendQuota().catch(() => undefined);
  return takeHourly(deps, now, 'total', hourlyConfirmationBudget(deps.signUpLimitSettings ?? DEFAULT_SIGN_UP_LIMITS, quota));
}

export function takeHourly(deps: SubscriptionDependencies, now: Date, counter: string, limit: number): Promise<boolean> {
  const window = hourWindow(now);
  // Counters outlive their hour by a day, for a look at what happened; then TTL removes them.
  return deps.signUpLimitStore.take(counter, window.key, limit, Math.floor(window.endsAt.getTime() / 1000) + 24 * 3600);
}
