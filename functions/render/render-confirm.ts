import type { Language } from '../core/config.js';
import type { RenderedEdition } from '../core/edition.js';
import { RenderError } from './errors.js';
import { neutralisePlaceholders, safeHref } from './escape.js';
import { joinTextBlocks, textFooter, wrapPlainText } from './plain-text.js';
import { renderPage } from './render-page.js';
import { wordsForModel, type RenderOptions } from './template-files.js';

export interface ConfirmationInput {
  language: Language;
  newsletterTitle: string;
  /** The reader's own confirm link (http or https); it is in the message, not a placeholder. */
  confirmUrl: string;
  postalAddress: string;
}

export interface WelcomeInput {
  language: Language;
  newsletterTitle: string;
  /** Link to the latest edition's web copy; the message omits the link when absent or unsafe. */
  latestEditionUrl?: string;
  postalAddress: string;
}

/**
 * Renders the double opt-in message with one "Confirm subscription" button.
 * The message has no unsubscribe link: the reader is not subscribed until they confirm.
 *
 * @example
 * const message = await renderConfirmation({ language: 'en', newsletterTitle: 'AI Weekly', confirmUrl, postalAddress });
 */
export async function renderConfirmation(input: ConfirmationInput, options: RenderOptions = {}): Promise<RenderedEdition> {
  return renderOneLinkMessage('confirm', input, input.confirmUrl, options);
}

export interface EraseConfirmationInput {
  language: Language;
  newsletterTitle: string;
  /** The reader's own erase-confirmation link (http or https). */
  eraseUrl: string;
  postalAddress: string;
}

/**
 * Renders the message that asks the address itself to confirm an erasure asked for on its
 * preferences page, with one "Erase all my data" button (which opens a page; only its button erases).
 *
 * @example
 * const message = await renderEraseConfirmation({ language: 'en', newsletterTitle: 'AI Weekly', eraseUrl, postalAddress });
 */
export async function renderEraseConfirmation(input: EraseConfirmationInput, options: RenderOptions = {}): Promise<RenderedEdition> {
  return renderOneLinkMessage('erase', input, input.eraseUrl, options);
}

/** A message with one link to press (the confirm template): the sign-up or the erase confirmation. */
async function renderOneLinkMessage(
  kind: 'confirm' | 'erase',
  input: { language: Language; newsletterTitle: string; postalAddress: string },
  url: string,
  options: RenderOptions,
): Promise<RenderedEdition> {
  const words = wordsForModel(input.language, kind === 'confirm' ? 'confirmation' : 'erase confirmation');
  const w = words[kind];
  const link = safeHref(url);
  if (!link || link.startsWith('mailto:')) {
    throw new RenderError(
      `${kind === 'confirm' ? 'Confirmation' : 'Erase confirmation'} for "${input.newsletterTitle}" needs an http or https link, got "${url}"`,
      {
        template: 'confirm.mjml',
      },
    );
  }
  const subject = neutralisePlaceholders(w.subject(input.newsletterTitle));
  const body = w.body(input.newsletterTitle);
  const footer = { whyYouGetThis: w.whyYouGetThis(input.newsletterTitle), postalAddress: input.postalAddress, unsubscribe: false };

  const html = await messagePage(
    'confirm.mjml',
    { ...input, words, subject, body, footer },
    { body, button: w.button, confirm_url: link, fallback: w.fallback, ignore: w.ignore },
    options,
  );

  const text = joinTextBlocks([
    wrapPlainText(input.newsletterTitle),
    wrapPlainText(w.textBody(input.newsletterTitle)),
    [`${w.button}${words.labelSeparator}${link}`],
    wrapPlainText(w.ignore),
    textFooter(footer, words),
  ]);
  return { subject, html, text };
}

/**
 * Renders the welcome message sent after confirming. It keeps the unsubscribe and preferences
 * placeholders, so the sender personalises it like an edition.
 *
 * @example
 * const message = await renderWelcome({ language: 'zh-Hant', newsletterTitle: 'AI 人才週報', postalAddress });
 */
export async function renderWelcome(input: WelcomeInput, options: RenderOptions = {}): Promise<RenderedEdition> {
  const words = wordsForModel(input.language, 'welcome');
  const latestUrl = safeHref(input.latestEditionUrl);
  const subject = neutralisePlaceholders(words.welcome.subject(input.newsletterTitle));
  const body = words.welcome.body(input.newsletterTitle);
  const footer = { whyYouGetThis: words.whyYouGetThis(input.newsletterTitle), postalAddress: input.postalAddress, unsubscribe: true };

  const html = await messagePage(
    'welcome.mjml',
    { ...input, words, subject, body, footer },
    { body, latest_url: latestUrl, latest_edition: words.welcome.latestEdition },
    options,
  );

  const blocks = [wrapPlainText(input.newsletterTitle), wrapPlainText(body)];
  if (latestUrl) blocks.push([`${words.welcome.latestEdition}${words.labelSeparator}${latestUrl}`]);
  blocks.push(textFooter(footer, words));
  return { subject, html, text: joinTextBlocks(blocks) };
}

type PageInput = Parameters<typeof renderPage>[0];

/** A one-message page (confirm, welcome) under the newsletter's title, its body as the preheader. */
function messagePage(
  template: PageInput['template'],
  page: Pick<PageInput, 'language' | 'words' | 'subject' | 'footer'> & { newsletterTitle: string; body: string },
  values: PageInput['values'],
  options: RenderOptions,
): Promise<string> {
  const { language, words, subject, footer, newsletterTitle, body } = page;
  // The title too, for one's own template (`{{newsletter_title}}`); the bundled ones take it from the header.
  return renderPage(
    { template, language, words, subject, preheader: body, header: { newsletterTitle }, footer, values: { newsletter_title: newsletterTitle, ...values } },
    options,
  );
}
