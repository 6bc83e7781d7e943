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
  const words = wordsForModel(input.language, 'confirmation');
  const confirmUrl = safeHref(input.confirmUrl);
  if (!confirmUrl || confirmUrl.startsWith('mailto:')) {
    throw new RenderError(`Confirmation for "${input.newsletterTitle}" needs an http or https confirm link, got "${input.confirmUrl}"`, {
      template: 'confirm.mjml',
    });
  }
  const subject = neutralisePlaceholders(words.confirm.subject(input.newsletterTitle));
  const body = words.confirm.body(input.newsletterTitle);
  const footer = { whyYouGetThis: words.confirm.whyYouGetThis(input.newsletterTitle), postalAddress: input.postalAddress, unsubscribe: false };

  const html = await messagePage(
    'confirm.mjml',
    { ...input, words, subject, body, footer },
    { body, button: words.confirm.button, confirm_url: confirmUrl, fallback: words.confirm.fallback, ignore: words.confirm.ignore },
    options,
  );

  const text = joinTextBlocks([
    wrapPlainText(input.newsletterTitle),
    wrapPlainText(words.confirm.textBody(input.newsletterTitle)),
    [`${words.confirm.button}${words.labelSeparator}${confirmUrl}`],
    wrapPlainText(words.confirm.ignore),
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

  const html = await messagePage('welcome.mjml', { ...input, words, subject, body, footer }, { body, latest_url: latestUrl, latest_edition: words.welcome.latestEdition }, options);

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
  return renderPage({ template, language, words, subject, preheader: body, header: { newsletterTitle }, footer, values }, options);
}
