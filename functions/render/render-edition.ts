/** The digest: article blocks in the page, and the same edition as plain text. */

import type { EditionModel, RenderedEdition } from '../core/edition.js';
import type { TemplateWords } from '../../templates/i18n.js';
import { withoutSiteName } from './article-title.js';
import { safeHref, neutralisePlaceholders } from './escape.js';
import { escapeHtml } from '../core/html-escape.js';
import { fillTemplate, raw } from './fill-template.js';
import { joinTextBlocks, textFooter, wrapPlainText } from './plain-text.js';
import { renderPage } from './render-page.js';
import { clickUrl, openPixelUrl } from '../core/reader-counts.js';
import { loadTemplateFile, wordsForModel, type RenderOptions } from './template-files.js';

/**
 * Renders an edition once: MJML to HTML, plus a plain-text alternative built from the model.
 * Per-reader parts stay as `PLACEHOLDERS` for the sender to replace. The subject is
 * `model.subject`, except that a `{{` in it is broken with a zero-width space.
 *
 * @example
 * const edition = await renderEdition(model);
 * const html = edition.html.replaceAll(PLACEHOLDERS.unsubscribeUrl, unsubscribeUrlFor(subscriber));
 */
export async function renderEdition(model: EditionModel, options: RenderOptions = {}): Promise<RenderedEdition> {
  const words = wordsForModel(model.language, model.newsletterId);
  const [articleTemplate, keyPointTemplate] = await Promise.all([
    loadTemplateFile(options, 'partials/article.mjml'),
    loadTemplateFile(options, 'partials/key-point.mjml'),
  ]);

  const counting = options.counting;
  // Only http(s) targets are counted: a mailto: link stays as it is.
  const linkTo = (url: string | undefined) =>
    url && counting && /^https?:/u.test(url) ? clickUrl(counting.tokenKey, counting.baseUrl, model.newsletterId, model.editionId, url) : url;
  const whyYouGetThis = counting ? `${words.whyYouGetThis(model.newsletterTitle)} ${words.countsOpensAndClicks}` : words.whyYouGetThis(model.newsletterTitle);
  const articles = model.articles.map((article) => {
    const url = safeHref(article.url);
    const keyPoints = article.keyPoints.map((text) => fillTemplate(keyPointTemplate.text, { text }, keyPointTemplate.name));
    return fillTemplate(
      articleTemplate.text,
      {
        title: withoutSiteName(article.title, article.url),
        url: linkTo(url),
        source: url ? hostOf(url) : undefined,
        key_points_label: words.keyPoints,
        key_points: raw(keyPoints.join('')),
        read_more: words.readMore,
        label_separator: words.labelSeparator,
      },
      articleTemplate.name,
    );
  });

  const html = await renderPage(
    {
      template: 'digest.mjml',
      language: model.language,
      words,
      subject: model.subject,
      preheader: model.preheader,
      header: { newsletterTitle: model.newsletterTitle, date: words.formatDate(model.date), webUrl: safeHref(model.webUrl) },
      footer: { whyYouGetThis, postalAddress: model.postalAddress, unsubscribe: true },
      values: { greeting: model.intro ?? words.greeting, articles: raw(articles.join('\n')) },
    },
    options,
  );

  // The subject leads with the first article's title, and the sender scans the whole message,
  // headers included, for placeholders: break any `{{` so article text cannot fill one there.
  const pixel = counting
    ? `<img src="${escapeHtml(openPixelUrl(counting.tokenKey, counting.baseUrl, model.newsletterId, model.editionId))}" width="1" height="1" alt="" ` +
      'data-open-pixel style="display:block;border:0;width:1px;height:1px">'
    : '';
  return {
    subject: neutralisePlaceholders(model.subject),
    html: pixel ? html.replace(/<\/body>/u, `${pixel}</body>`) : html,
    text: digestText(model, words, whyYouGetThis),
  };
}

function digestText(model: EditionModel, words: TemplateWords, whyYouGetThis: string): string {
  const blocks: string[][] = [];
  const header = [...wrapPlainText(model.newsletterTitle), words.formatDate(model.date)];
  const webUrl = safeHref(model.webUrl);
  if (webUrl) header.push(`${words.viewOnline}${words.labelSeparator}${webUrl}`);
  blocks.push(header, wrapPlainText(model.intro ?? words.greeting));

  for (const article of model.articles) {
    const lines = wrapPlainText(withoutSiteName(article.title, article.url));
    for (const point of article.keyPoints) lines.push(...wrapPlainText(point, { first: '- ', rest: '  ' }));
    const url = safeHref(article.url);
    // URLs are never wrapped: a broken URL cannot be clicked.
    if (url) lines.push(`${words.readMore}${words.labelSeparator}${url}`);
    blocks.push(lines);
  }

  blocks.push(textFooter({ whyYouGetThis, postalAddress: model.postalAddress, unsubscribe: true }, words));
  return joinTextBlocks(blocks);
}

function hostOf(href: string): string | undefined {
  const url = new URL(href);
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.hostname : undefined;
}
