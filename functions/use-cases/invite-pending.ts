import type { NewsletterConfig } from '../core/config.js';
import type { Clock } from '../core/clock.js';
import { Pacer } from '../core/pacer.js';
import { subscriberPages } from '../ports/subscriber-pages.js';
import { CONFIRMATION_RESEND_INTERVAL_MS } from './subscriptions/subscribe.js';
import { hourlyBudgetAllows } from './subscriptions/sign-up-limits.js';
import { sendConfirmation } from './subscriptions/mails.js';
import type { SubscriptionDependencies } from './subscriptions/dependencies.js';

export interface InviteReport {
  /** Confirmation mails sent. */
  invited: number;
  /** Pending subscribers who got a confirmation within the re-send window: not mailed again. */
  recentlyInvited: number;
  suppressed: number;
  failed: number;
  /**
   * Not mailed because the hourly confirmation budget (`signUps`, shared with the sign-up form) was
   * spent: they stay pending and unclaimed, so the next invite, an hour on, mails them.
   */
  waiting: number;
}

/**
 * `subscribers invite`: mails the confirmation link to every pending subscriber (imported without
 * `--confirmed`), paced to the send rate like an edition, and each at most once per re-send window
 * (the same claim the sign-up form takes, so a form sign-up and an invite never both mail). Each
 * invitation spends from the same hourly confirmation budget as a sign-up, so the two together never
 * exceed it; once it is spent the rest wait, counted, for a later run.
 */
export async function invitePending(
  newsletter: NewsletterConfig,
  deps: SubscriptionDependencies & { clock: Clock },
  options: { rate?: number; pageSize?: number; onProgress?: (report: InviteReport) => void } = {},
): Promise<InviteReport> {
  const report: InviteReport = { invited: 0, recentlyInvited: 0, suppressed: 0, failed: 0, waiting: 0 };
  // Once the hour's budget is spent, the rest are only counted: no claim, no counter write each.
  let budgetSpent = false;
  const rate = options.rate ?? (await deps.mailer.getSendQuota()).maxSendRate;
  const pacer = new Pacer(rate > 0 ? rate : 1, deps.clock);
  for await (const page of subscriberPages(deps.subscribers, newsletter.id, {
    status: 'pending',
    ...(options.pageSize ? { pageSize: options.pageSize } : {}),
  })) {
    const suppressed = await deps.suppressions.suppressedAmong(page.map((s) => s.id));
    for (const subscriber of page) {
      if (suppressed.has(subscriber.id)) {
        report.suppressed++;
        continue;
      }
      const now = deps.clock.now();
      const cutoff = new Date(now.getTime() - CONFIRMATION_RESEND_INTERVAL_MS).toISOString();
      if (budgetSpent) {
        if (subscriber.confirmationSentAt && subscriber.confirmationSentAt > cutoff) report.recentlyInvited++;
        else report.waiting++;
        continue;
      }
      if (!(await deps.subscribers.claimConfirmationSend(newsletter.id, subscriber.id, now.toISOString(), cutoff))) {
        report.recentlyInvited++;
        continue;
      }
      if (!(await hourlyBudgetAllows(deps, now))) {
        // Release the claim, so this reader is invited (or signs up) as soon as the budget frees.
        await deps.subscribers.update(newsletter.id, subscriber.id, { confirmationSentAt: undefined });
        budgetSpent = true;
        report.waiting++;
        continue;
      }
      await pacer.wait();
      try {
        await sendConfirmation(deps, newsletter, subscriber.email, subscriber.id, deps.clock.now());
        report.invited++;
      } catch {
        // Nothing went out: release the claim so the next invite tries this reader again.
        await deps.subscribers.update(newsletter.id, subscriber.id, { confirmationSentAt: undefined }).catch(() => undefined);
        report.failed++;
      }
      options.onProgress?.(report);
    }
  }
  return report;
}
