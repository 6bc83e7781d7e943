import type { NewsletterConfig } from '../../core/config.js';
import { mailboxOf, pseudonym } from '../../core/subscriber.js';
import { ERASE_TOKEN_TTL_SECONDS, signToken } from '../../core/tokens.js';
import { renderEraseConfirmation } from '../../render/render-confirm.js';
import { defaultLog, type SubscriptionDependencies } from './dependencies.js';
import { subscriberForToken, type LinkFailure } from './links.js';
import { baseOf, mailTemplates, sendOne, sendWithRetry } from './mails.js';
import { takeHourly } from './sign-up-limits.js';

/**
 * Erase-confirmation mails to one address per hour. Whoever holds a (forwarded) edition can ask
 * for them; a few is plenty for the reader, and more would let that person fill the reader's inbox.
 */
const ERASE_REQUESTS_PER_MAILBOX_PER_HOUR = 3;

export type EraseResult = { ok: true; newsletter: NewsletterConfig } | LinkFailure;

/** `ok` whether or not a mail went out (the hourly limit may hold it back): the page says the same. */
export type EraseRequestResult = { ok: true; newsletter: NewsletterConfig } | LinkFailure;

/**
 * The "erase" button of the preferences page: mails the address a link, valid for a day, that
 * erases it. The preferences link is in every edition, so whoever an edition was forwarded to holds
 * one; erasure cannot be undone, so it takes a link that only the address itself received.
 */
export async function requestErasure(deps: SubscriptionDependencies, preferencesToken: string): Promise<EraseRequestResult> {
  const log = deps.log ?? defaultLog;
  const found = await subscriberForToken(deps, preferencesToken, 'preferences');
  if (!found.ok) return found;
  const { newsletter, subscriber } = found;
  const fields = { newsletter: newsletter.id, subscriber: subscriber.id };
  const now = deps.clock.now();
  if (!(await takeHourly(deps, now, `erase#${pseudonym(deps.tokenKeys.id, 'mailbox', mailboxOf(subscriber.email))}`, ERASE_REQUESTS_PER_MAILBOX_PER_HOUR))) {
    log('erase.limited', fields);
    return { ok: true, newsletter };
  }
  const token = signToken(deps.tokenKeys.signing, {
    purpose: 'erase',
    newsletterId: newsletter.id,
    subscriberId: subscriber.id,
    expiresAt: Math.floor(now.getTime() / 1000) + ERASE_TOKEN_TTL_SECONDS,
  });
  const rendered = await renderEraseConfirmation(
    {
      language: newsletter.language,
      newsletterTitle: newsletter.title,
      eraseUrl: `${baseOf(newsletter)}/erase?token=${token}`,
      postalAddress: newsletter.postalAddress,
    },
    mailTemplates(deps, newsletter),
  );
  await sendWithRetry(deps, () =>
    sendOne(deps, newsletter, rendered, subscriber.email, subscriber.id, `erase.${newsletter.id}.${subscriber.id}.${now.getTime()}`, now),
  );
  log('erase.confirmation-sent', fields);
  return { ok: true, newsletter };
}

/**
 * Checks an erase link without changing anything: what the page behind a GET shows (a button that
 * POSTs), since mail scanners fetch every link in a message.
 */
export async function checkEraseLink(deps: SubscriptionDependencies, token: string): Promise<EraseResult> {
  const found = await subscriberForToken(deps, token, 'erase');
  if (!found.ok) return found;
  return { ok: true, newsletter: found.newsletter };
}

/**
 * Erases the address (GDPR art. 17) on the button behind an erase link (see requestErasure):
 * deletes its subscriber record on every newsletter and keeps only a suppression entry under the
 * address hash, so it is never mailed again. An erased address's link then names nobody.
 */
export async function erase(deps: SubscriptionDependencies, token: string): Promise<EraseResult> {
  const log = deps.log ?? defaultLog;
  const found = await subscriberForToken(deps, token, 'erase');
  if (!found.ok) return found;
  const { newsletter, subscriber } = found;
  for (const n of deps.newsletters) await deps.subscribers.delete(n.id, subscriber.id);
  await deps.suppressions.suppress(subscriber.id, 'erased at the subscriber’s request', deps.clock.now().toISOString());
  log('erase.erased', { subscriber: subscriber.id });
  return { ok: true, newsletter };
}
