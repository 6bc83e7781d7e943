import type { NewsletterConfig } from '../core/config.js';
import { NewsletterError } from '../core/errors.js';
import { signUpForm } from '../render/sign-up-form.js';

/**
 * The sign-up form snippet for a newsletter, posting to the API at `apiBase` (the dev server's
 * address, or the deployed API's). The base must be an http or https URL without credentials,
 * query or fragment; plain http only for this machine, since a form on a public page would send
 * addresses in clear text.
 *
 * @example
 * const html = embedForm(newsletter, 'https://abc.execute-api.eu-west-1.amazonaws.com');
 */
export function embedForm(newsletter: Pick<NewsletterConfig, 'id' | 'title' | 'language'>, apiBase: string): string {
  let url: URL;
  try {
    url = new URL(apiBase);
  } catch {
    throw new NewsletterError(`the API address "${apiBase}" is not a URL: give it as --api https://…`);
  }
  const local = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) {
    throw new NewsletterError(
      `the API address "${apiBase}" must use https (plain http only for localhost): a form on a public page would send addresses unencrypted`,
    );
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new NewsletterError(
      `the API address "${apiBase}" has credentials, a query or a fragment: give only the API's base address, e.g. https://news.example.com`,
    );
  }
  const base = url.href.replace(/\/+$/u, '').replace(/\/subscribe$/u, '');
  return signUpForm({ newsletterId: newsletter.id, newsletterTitle: newsletter.title, language: newsletter.language, action: `${base}/subscribe` });
}
