import type { NewsletterConfig } from '../../core/config.js';
import { defaultLog, type SubscriptionDependencies } from './dependencies.js';
import { subscriberForToken, type LinkFailure } from './links.js';

export type UnsubscribeResult = { ok: true; newsletter: NewsletterConfig; alreadyUnsubscribed: boolean } | LinkFailure;

/**
 * Checks an unsubscribe link without changing anything: what the page behind a GET shows, since
 * link scanners fetch every link in a message.
 */
export async function checkUnsubscribeLink(deps: SubscriptionDependencies, token: string): Promise<UnsubscribeResult> {
  const found = await subscriberForToken(deps, token, 'unsubscribe');
  if (!found.ok) return found;
  return { ok: true, newsletter: found.newsletter, alreadyUnsubscribed: found.subscriber.status === 'unsubscribed' };
}

/** Unsubscribes at once (RFC 8058 one-click POST, or the button on the page). */
export async function unsubscribe(deps: SubscriptionDependencies, token: string): Promise<UnsubscribeResult> {
  const log = deps.log ?? defaultLog;
  const found = await subscriberForToken(deps, token, 'unsubscribe');
  if (!found.ok) return found;
  const { newsletter, subscriber } = found;
  if (subscriber.status === 'unsubscribed') return { ok: true, newsletter, alreadyUnsubscribed: true };
  await deps.subscribers.update(newsletter.id, subscriber.id, { status: 'unsubscribed', unsubscribedAt: deps.clock.now().toISOString() });
  log('unsubscribe.unsubscribed', { newsletter: newsletter.id, subscriber: subscriber.id });
  return { ok: true, newsletter, alreadyUnsubscribed: false };
}
