import type { NewsletterConfig } from '../../core/config.js';
import type { Subscriber } from '../../core/subscriber.js';
import { CONFIRM_TOKEN_TTL_SECONDS } from '../../core/tokens.js';
import { defaultLog, type SubscriptionDependencies } from './dependencies.js';
import { subscriberForToken, type LinkFailure } from './links.js';
import { sendWelcome } from './mails.js';

/** `latestEdition`: the subject of the edition that went to the new reader as the welcome, when one did. */
export type ConfirmResult = { ok: true; newsletter: NewsletterConfig; alreadyConfirmed: boolean; latestEdition?: { subject: string } } | LinkFailure;

/**
 * Checks a confirm link without changing anything: what the page behind a GET shows (a button
 * that POSTs), since mail scanners fetch every link in a message and must not finish a sign-up
 * that someone else started for this address.
 */
export async function checkConfirmLink(deps: SubscriptionDependencies, token: string): Promise<ConfirmResult> {
  const found = await confirmableSubscriber(deps, token);
  if (!found.ok) return found;
  return { ok: true, newsletter: found.newsletter, alreadyConfirmed: found.subscriber.status === 'confirmed' };
}

/**
 * Confirms a subscription (the button on the confirm page, a POST), then welcomes the reader as
 * the newsletter's `welcome` setting says. A forged, expired or orphaned link changes nothing.
 */
export async function confirm(deps: SubscriptionDependencies, token: string): Promise<ConfirmResult> {
  const log = deps.log ?? defaultLog;
  const found = await confirmableSubscriber(deps, token);
  if (!found.ok) return found;
  const { newsletter, subscriber } = found;
  const fields = { newsletter: newsletter.id, subscriber: subscriber.id };
  if (subscriber.status === 'confirmed') return { ok: true, newsletter, alreadyConfirmed: true };

  const now = deps.clock.now();
  await deps.subscribers.update(newsletter.id, subscriber.id, { status: 'confirmed', confirmedAt: now.toISOString(), unsubscribedAt: undefined });
  log('confirm.confirmed', fields);
  let latestEdition: { subject: string } | undefined;
  try {
    const welcome = await sendWelcome(deps, newsletter, subscriber, now);
    log('confirm.welcome', { ...fields, welcome: welcome.kind });
    if (welcome.kind === 'latest-edition') latestEdition = { subject: welcome.subject };
  } catch (error) {
    // The subscription stands; a welcome that failed to send is not worth an error page.
    log('confirm.welcome-failed', { ...fields, error: (error as Error).name });
  }
  return { ok: true, newsletter, alreadyConfirmed: false, ...(latestEdition ? { latestEdition } : {}) };
}

/** The subscriber a confirm link may still confirm (or has confirmed); a stale link is `expired`. */
async function confirmableSubscriber(
  deps: SubscriptionDependencies,
  token: string,
): Promise<{ ok: true; newsletter: NewsletterConfig; subscriber: Subscriber } | LinkFailure> {
  const found = await subscriberForToken(deps, token, 'confirm');
  if (!found.ok) return found;
  const { newsletter, subscriber, claims } = found;
  if (subscriber.status === 'confirmed') return { ok: true, newsletter, subscriber };
  // Only a link from the latest sign-up confirms: an old confirmation email (or a scanner
  // re-visiting it) must not undo an unsubscribe.
  const issuedAt = (claims.expiresAt ?? 0) - CONFIRM_TOKEN_TTL_SECONDS;
  const requestedAt = subscriber.consent ? Math.floor(Date.parse(subscriber.consent.at) / 1000) : 0;
  if (subscriber.status !== 'pending' || issuedAt < requestedAt) {
    (deps.log ?? defaultLog)('confirm.stale-link', { newsletter: newsletter.id, subscriber: subscriber.id });
    return { ok: false, reason: 'expired' };
  }
  return { ok: true, newsletter, subscriber };
}
