import type { NewsletterConfig } from '../../core/config.js';
import { checkEmail } from '../../core/email-address.js';
import { subscriberId, type Subscriber } from '../../core/subscriber.js';
import type { AfterAnswer } from '../../ports/after-answer.js';
import { defaultLog, type SubscriptionDependencies } from './dependencies.js';
import { sendConfirmation } from './mails.js';
import { hourlyBudgetAllows, perSenderLimitReached } from './sign-up-limits.js';

/** A confirmation is re-sent to the same address at most this often. */
export const CONFIRMATION_RESEND_INTERVAL_MS = 10 * 60 * 1000;

export interface SubscribeInput {
  email: unknown;
  newsletterId: string;
  /** The honeypot field: people never see it, so anything in it came from a robot. */
  honeypot?: string | undefined;
  /** Consent evidence: where the request came from, e.g. `sign-up page`. */
  source: string;
  /** The client's address (source IP), for the per-client limit; never stored readable. */
  client?: string | undefined;
}

export type SubscribeResult =
  | { ok: true; newsletter: NewsletterConfig }
  | { ok: false; reason: 'invalid-email'; detail: string; newsletter: NewsletterConfig }
  | { ok: false; reason: 'unknown-newsletter' };

/**
 * Signs up an address: stores it as pending with consent evidence and mails a confirmation link.
 * The answer is the same whether the address was new, pending, confirmed or suppressed, so the
 * form cannot be used to find out who is on the list; and it is given before anything that depends
 * on the address's state runs: that work is handed to `afterAnswer`, which runs it once the answer
 * is out (the local server) or inline behind a constant-time answer (Lambda, see the handler).
 * Confirmation mail is limited per mailbox, per client and per hour (`signUpLimitSettings`).
 *
 * @example
 * const result = await subscribe(deps, { email: 'ann@example.com', newsletterId: 'weekly', source: 'sign-up page', client: '192.0.2.1' });
 */
export async function subscribe(deps: SubscriptionDependencies, input: SubscribeInput): Promise<SubscribeResult> {
  const log = deps.log ?? defaultLog;
  const newsletter = deps.newsletters.find((n) => n.id === input.newsletterId);
  if (!newsletter) return { ok: false, reason: 'unknown-newsletter' };
  if (input.honeypot) {
    log('subscribe.honeypot', { newsletter: newsletter.id });
    return { ok: true, newsletter };
  }
  const checked = checkEmail(input.email);
  if (!checked.ok) return { ok: false, reason: 'invalid-email', detail: checked.reason, newsletter };
  const now = deps.clock.now();
  const afterAnswer = deps.afterAnswer ?? runInline;
  await afterAnswer(async () => {
    try {
      await followUpSignUp(deps, newsletter, checked.email, input, now);
    } catch (error) {
      // The reader sees the same answer either way (an error page would tell that a send was
      // attempted, so that the address is not yet confirmed); a sign-up again later retries.
      log('subscribe.failed', { newsletter: newsletter.id, subscriber: subscriberId(deps.tokenKeys.id, checked.email), error: (error as Error).name });
    }
  });
  return { ok: true, newsletter };
}

/** What depends on the address's state: store it, and mail a confirmation when one is due and allowed. */
async function followUpSignUp(deps: SubscriptionDependencies, newsletter: NewsletterConfig, email: string, input: SubscribeInput, now: Date): Promise<void> {
  const log = deps.log ?? defaultLog;
  const id = subscriberId(deps.tokenKeys.id, email);
  const at = now.toISOString();
  const fields = { newsletter: newsletter.id, subscriber: id };
  // Per mailbox and per client first: a flood from one script then costs one write per request,
  // and stores no pending subscribers for addresses it made up.
  const abusive = await perSenderLimitReached(deps, email, input.client, now);
  if (abusive) {
    log('subscribe.limited', { ...fields, limit: abusive });
    return;
  }
  if (await deps.suppressions.isSuppressed(id)) {
    log('subscribe.suppressed', fields);
    return;
  }

  let existing = await deps.subscribers.get(newsletter.id, id);
  if (!existing) {
    const pending: Subscriber = { id, newsletterId: newsletter.id, email, status: 'pending', createdAt: at, consent: { at, source: input.source } };
    // Two requests at once: the loser reads what the winner stored and follows the same rules.
    if (!(await deps.subscribers.putIfAbsent(pending))) existing = await deps.subscribers.get(newsletter.id, id);
  }
  if (existing?.status === 'confirmed') {
    log('subscribe.already-confirmed', fields);
    return;
  }
  const cutoff = new Date(now.getTime() - CONFIRMATION_RESEND_INTERVAL_MS).toISOString();
  if (!(await deps.subscribers.claimConfirmationSend(newsletter.id, id, at, cutoff))) {
    log('subscribe.resend-limited', fields);
    return;
  }
  if (!(await hourlyBudgetAllows(deps, now))) {
    // Forget the claim: once the budget frees, the reader's next sign-up sends at once.
    await deps.subscribers.update(newsletter.id, id, { confirmationSentAt: undefined });
    log('subscribe.limited', { ...fields, limit: 'hourly-total' });
    return;
  }
  // A new request is new consent evidence; an unsubscribed reader must confirm again.
  if (existing) await deps.subscribers.update(newsletter.id, id, { email, status: 'pending', consent: { at, source: input.source } });

  try {
    await sendConfirmation(deps, newsletter, email, id, now);
  } catch (error) {
    // Nothing went out: forget the send, so trying again does not hit the re-send limit.
    await deps.subscribers.update(newsletter.id, id, { confirmationSentAt: undefined }).catch(() => undefined);
    throw error;
  }
  log('subscribe.confirmation-sent', fields);
}

const runInline: AfterAnswer = (work) => work();
