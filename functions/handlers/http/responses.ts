import type { Language, NewsletterConfig } from '../../core/config.js';
import type { LinkFailure } from '../../use-cases/subscriptions/links.js';
import { messagePage, PAGE_CSP, SAFE_HEADERS, wordsForPage } from './http-pages.js';
import { ARCHIVE_WORDS } from '../../../templates/archive-words.js';
import type { HttpApiResult } from './http-event.js';

/** Responses of the subscription API: every one with the same safe headers. */

const BASE_HEADERS = {
  ...SAFE_HEADERS,
  'cross-origin-opener-policy': 'same-origin',
  // Pages carry tokens or personal answers: no shared or browser cache may keep them.
  'cache-control': 'no-store',
} as const;

export function html(statusCode: number, body: string): HttpApiResult {
  return { statusCode, headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': PAGE_CSP, ...BASE_HEADERS }, body };
}

export function json(statusCode: number, value: unknown): HttpApiResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', 'content-security-policy': "default-src 'none'; frame-ancestors 'none'", ...BASE_HEADERS },
    body: JSON.stringify(value),
  };
}

/** A 200 page in the newsletter's language, under its name. */
export function newsletterPage(newsletter: NewsletterConfig, title: string, text: string, link?: { href: string; label: string }): HttpApiResult {
  return html(200, messagePage({ language: newsletter.language, brand: newsletter.title, title, text, ...(link ? { link } : {}) }));
}

/**
 * After confirming: no preferences (and erase) link, which never expires. Whoever holds this page
 * (a shared screen, a forwarded confirmation) should not get a lasting key to the subscription;
 * the reader finds that link in every edition.
 */
export function confirmedPage(newsletter: NewsletterConfig, latestEdition?: { subject: string }): HttpApiResult {
  const w = wordsForPage(newsletter.language);
  const text = latestEdition ? `${w.confirmedBody(newsletter.title)} ${w.latestEditionSentBody(latestEdition.subject)}` : w.confirmedBody(newsletter.title);
  // Onwards to what the newsletter has sent so far, rather than a dead end.
  return newsletterPage(newsletter, w.confirmedTitle, text, {
    href: `archive?newsletter=${encodeURIComponent(newsletter.id)}`,
    label: ARCHIVE_WORDS[newsletter.language].pastEditions,
  });
}

/** The reader is off the list: after the unsubscribe button, and on a used unsubscribe link (no button again). */
export function unsubscribedPage(newsletter: NewsletterConfig): HttpApiResult {
  const w = wordsForPage(newsletter.language);
  return newsletterPage(newsletter, w.unsubscribedTitle, w.unsubscribedBody(newsletter.title), {
    href: `subscribe?newsletter=${encodeURIComponent(newsletter.id)}`,
    label: w.subscribeAgain,
  });
}

/** A link that is invalid, expired or names nobody; `language` when the link says nothing about its newsletter. */
export function linkFailurePage(failure: LinkFailure, purpose: 'confirm' | 'unsubscribe' | 'preferences' | 'erase', language: Language): HttpApiResult {
  const newsletter: NewsletterConfig | undefined = failure.reason === 'not-found' ? failure.newsletter : undefined;
  const lang: Language = newsletter?.language ?? language;
  const w = wordsForPage(lang);
  const again = { href: newsletter ? `subscribe?newsletter=${encodeURIComponent(newsletter.id)}` : 'subscribe', label: w.subscribeAgain };
  if (failure.reason === 'expired') {
    // An expired erase link is asked for again from the preferences link in any edition, not by subscribing.
    if (purpose === 'erase') return html(410, messagePage({ language: lang, title: w.linkExpiredTitle, text: w.eraseExpiredBody }));
    return html(410, messagePage({ language: lang, title: w.linkExpiredTitle, text: w.confirmExpiredBody, link: again }));
  }
  const status = failure.reason === 'not-found' ? 404 : 400;
  return html(
    status,
    messagePage({
      language: lang,
      ...(newsletter ? { brand: newsletter.title } : {}),
      title: w.linkInvalidTitle,
      text: w.linkInvalidBody,
      ...(purpose === 'confirm' ? { link: again } : {}),
    }),
  );
}
