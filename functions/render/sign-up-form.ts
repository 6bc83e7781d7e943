import type { Language } from '../core/config.js';
import { pageWordsFor } from '../../templates/i18n.js';
import { escapeHtml } from '../core/html-escape.js';

export interface SignUpFormInput {
  newsletterId: string;
  newsletterTitle: string;
  language: Language;
  /** Where the form posts: the API's `/subscribe` (an http or https URL, checked by the caller). */
  action: string;
}

/**
 * The sign-up form a publisher pastes into their own site: a plain HTML form that posts
 * `application/x-www-form-urlencoded` to the API, so it needs no script and no CORS; the browser
 * lands on the API's "check your inbox" page. The honeypot field sits in a `hidden` block, so it
 * stays invisible without any style sheet of ours. Ids carry the newsletter id, so two forms on one
 * page do not clash.
 *
 * @example
 * signUpForm({ newsletterId: 'weekly', newsletterTitle: 'Weekly', language: 'en', action: 'https://api.example.com/subscribe' });
 */
export function signUpForm(input: SignUpFormInput): string {
  const w = pageWordsFor(input.language);
  const id = `newsletter-email-${input.newsletterId.replace(/[^A-Za-z0-9_-]/gu, '-')}`;
  return [
    `<!-- Sign-up form for ${escapeHtml(input.newsletterTitle).replaceAll('--', '&#45;&#45;')}: plain HTML, no script; posts to the newsletter's API. -->`,
    `<form method="post" action="${escapeHtml(input.action)}" accept-charset="utf-8" lang="${escapeHtml(input.language)}" class="newsletter-signup">`,
    `  <label for="${id}">${escapeHtml(w.emailLabel)}</label>`,
    `  <input id="${id}" name="email" type="email" required maxlength="254" autocomplete="email" inputmode="email" spellcheck="false">`,
    `  <input type="hidden" name="newsletter" value="${escapeHtml(input.newsletterId)}">`,
    `  <div hidden aria-hidden="true"><label>${escapeHtml(w.honeypotLabel)} <input name="website" type="text" tabindex="-1" autocomplete="off"></label></div>`,
    `  <button type="submit">${escapeHtml(w.subscribeButton)}</button>`,
    `  <p><small>${escapeHtml(w.privacyNote)}</small></p>`,
    `</form>`,
  ].join('\n');
}
