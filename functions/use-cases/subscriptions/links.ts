import type { NewsletterConfig } from '../../core/config.js';
import type { Subscriber } from '../../core/subscriber.js';
import { verifyToken, type TokenClaims, type TokenPurpose } from '../../core/tokens.js';
import type { SubscriptionDependencies } from './dependencies.js';

/** Why a link did not work: `invalid` covers forged, malformed and wrong-purpose tokens. */
export type LinkFailure = { ok: false; reason: 'invalid' | 'expired' } | { ok: false; reason: 'not-found'; newsletter: NewsletterConfig };

function verifiedClaims(
  deps: SubscriptionDependencies,
  token: string,
  purpose: TokenPurpose,
): { ok: true; newsletter: NewsletterConfig; claims: TokenClaims } | { ok: false; reason: 'invalid' | 'expired' } {
  const check = verifyToken(deps.tokenKeys, token, purpose, Math.floor(deps.clock.now().getTime() / 1000));
  if (!check.ok) return { ok: false, reason: check.reason === 'expired' ? 'expired' : 'invalid' };
  const newsletter = deps.newsletters.find((n) => n.id === check.claims.newsletterId);
  // A genuine token for a newsletter that was removed from the config has nothing left to act on.
  if (!newsletter) return { ok: false, reason: 'invalid' };
  return { ok: true, newsletter, claims: check.claims };
}

export async function subscriberForToken(
  deps: SubscriptionDependencies,
  token: string,
  purpose: TokenPurpose,
): Promise<{ ok: true; newsletter: NewsletterConfig; subscriber: Subscriber; claims: TokenClaims } | LinkFailure> {
  const verified = verifiedClaims(deps, token, purpose);
  if (!verified.ok) return verified;
  const { newsletter, claims } = verified;
  const subscriber = await deps.subscribers.get(newsletter.id, claims.subscriberId);
  // Erased or suppressed addresses are gone: their old links must not bring them back.
  if (!subscriber || (await deps.suppressions.isSuppressed(claims.subscriberId))) return { ok: false, reason: 'not-found', newsletter };
  return { ok: true, newsletter, subscriber, claims };
}
