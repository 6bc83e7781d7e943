import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import mjml2html from 'mjml';
import type { Language } from '../core/config.js';
import { PLACEHOLDERS, type EditionModel, type RenderedEdition } from '../core/edition.js';
import { TEMPLATE_WORDS, type TemplateWords } from '../../templates/i18n.js';
import { RenderError } from './errors.js';
import { escapeTemplateValue, neutralisePlaceholders, safeHref } from './escape.js';

/** How to find and compile templates; the defaults suit production. */
export interface RenderOptions {
  /** Folder holding `digest.mjml`, `confirm.mjml`, `welcome.mjml` and `partials/`. */
  templatesDir?: string;
  /**
   * MJML validation. Both levels turn MJML problems into a thrown `RenderError`; `strict` stops
   * MJML at the first validation pass, `soft` lets it finish compiling first.
   */
  validationLevel?: 'strict' | 'soft';
}

const DEFAULT_TEMPLATES_DIR = fileURLToPath(new URL('../../templates/', import.meta.url));

/** Placeholder tokens that must survive rendering for the sender to personalise. */
const PLACEHOLDER_TOKENS: ReadonlySet<string> = new Set(Object.values(PLACEHOLDERS));

/** Width of a plain-text line in columns; a CJK character takes two. */
const TEXT_WIDTH = 76;

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
  const dir = templatesDirOf(options);
  const [articleTemplate, keyPointTemplate] = await Promise.all([
    loadTemplate(dir, 'partials/article.mjml'),
    loadTemplate(dir, 'partials/key-point.mjml'),
  ]);

  const articles = model.articles.map((article) => {
    const url = safeHref(article.url);
    const keyPoints = article.keyPoints.map((text) => fillTemplate(keyPointTemplate, { text }, 'partials/key-point.mjml'));
    return fillTemplate(
      articleTemplate,
      {
        title: article.title,
        url,
        source: url ? hostOf(url) : undefined,
        key_points_label: words.keyPoints,
        key_points: raw(keyPoints.join('')),
        read_more: words.readMore,
        label_separator: words.labelSeparator,
      },
      'partials/article.mjml',
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
      footer: { whyYouGetThis: words.whyYouGetThis(model.newsletterTitle), postalAddress: model.postalAddress, unsubscribe: true },
      values: { greeting: words.greeting, articles: raw(articles.join('\n')) },
    },
    options,
  );

  // The subject leads with the first article's title, and the sender scans the whole message,
  // headers included, for placeholders: break any `{{` so article text cannot fill one there.
  return { subject: neutralisePlaceholders(model.subject), html, text: digestText(model, words) };
}

function digestText(model: EditionModel, words: TemplateWords): string {
  const blocks: string[][] = [];
  const header = [...wrapPlainText(model.newsletterTitle), words.formatDate(model.date)];
  const webUrl = safeHref(model.webUrl);
  if (webUrl) header.push(`${words.viewOnline}${words.labelSeparator}${webUrl}`);
  blocks.push(header, wrapPlainText(words.greeting));

  for (const article of model.articles) {
    const lines = wrapPlainText(article.title);
    for (const point of article.keyPoints) lines.push(...wrapPlainText(point, { first: '- ', rest: '  ' }));
    const url = safeHref(article.url);
    // URLs are never wrapped: a broken URL cannot be clicked.
    if (url) lines.push(`${words.readMore}${words.labelSeparator}${url}`);
    blocks.push(lines);
  }

  blocks.push(
    textFooter({ whyYouGetThis: words.whyYouGetThis(model.newsletterTitle), postalAddress: model.postalAddress, unsubscribe: true }, words),
  );
  return joinTextBlocks(blocks);
}

// ---------------------------------------------------------------------------------------------
// Shared with render-confirm.ts: page assembly, template filling, MJML compilation, plain text.
// ---------------------------------------------------------------------------------------------

/** A trusted MJML fragment rendered from our own templates; inserted with `{{{name}}}`, unescaped. */
export class TrustedMjml {
  constructor(readonly value: string) {}
}

/** Marks a fragment built from our own templates as safe to insert unescaped. */
export function raw(value: string): TrustedMjml {
  return new TrustedMjml(value);
}

/** A template slot value: text (escaped), a flag for `{{#name}}` sections, or a trusted fragment. */
export type TemplateValue = string | boolean | undefined | TrustedMjml;

const SECTION = /\{\{([#^])(\w+)\}\}([\s\S]*?)\{\{\/\2\}\}/g;
const SLOT = /\{\{\{(\w+)\}\}\}|\{\{(\w+)\}\}/g;
const ANY_TOKEN = /\{\{[^{}]*\}\}/g;

/**
 * Fills a template in one pass, so an inserted value is never scanned again:
 * - `{{name}}` inserts the value HTML-escaped, braces included;
 * - `{{{name}}}` inserts a trusted fragment (see `raw`) as is;
 * - `{{#name}}…{{/name}}` keeps its content when the value is a non-empty string, `true` or a
 *   non-empty fragment; `{{^name}}…{{/name}}` when it is not.
 * `PLACEHOLDERS` pass through untouched; any other unknown slot is a template bug and throws.
 */
export function fillTemplate(template: string, values: Readonly<Record<string, TemplateValue>>, templateName: string): string {
  const problems: string[] = [];
  const sections = (text: string): string =>
    text.replace(SECTION, (_match, kind: string, name: string, inner: string) => {
      if (!(name in values)) problems.push(`section {{${kind}${name}}} has no value`);
      const shown = isTruthy(values[name]) === (kind === '#');
      return shown ? sections(inner) : '';
    });

  const filled = sections(template).replace(SLOT, (match, rawName: string | undefined, name: string | undefined) => {
    if (rawName !== undefined) {
      const value = values[rawName];
      if (value instanceof TrustedMjml) return value.value;
      problems.push(`{{{${rawName}}}} needs a rendered fragment`);
      return '';
    }
    const key = name ?? '';
    if (!(key in values)) {
      if (!PLACEHOLDER_TOKENS.has(match)) problems.push(`{{${key}}} has no value`);
      return match;
    }
    const value = values[key];
    if (value === undefined) return '';
    if (typeof value !== 'string') {
      problems.push(`{{${key}}} needs text`);
      return '';
    }
    return escapeTemplateValue(value);
  });

  // Leftovers such as an unmatched {{/name}} would otherwise reach the reader.
  for (const token of filled.match(ANY_TOKEN) ?? []) {
    if (!PLACEHOLDER_TOKENS.has(token)) problems.push(`unexpected ${token}`);
  }
  if (problems.length > 0) {
    throw new RenderError(`Template ${templateName} could not be filled: ${problems.join('; ')}`, {
      template: templateName,
      details: problems,
    });
  }
  return filled;
}

function isTruthy(value: TemplateValue): boolean {
  if (value instanceof TrustedMjml) return value.value !== '';
  return Boolean(value);
}

const templateCache = new Map<string, Promise<string>>();

/**
 * Reads a template file once per process; later renders use the cached text.
 * A failed read is not cached, so a fixed file is picked up on the next render.
 */
export function loadTemplate(templatesDir: string, name: string): Promise<string> {
  const file = path.resolve(templatesDir, name);
  let cached = templateCache.get(file);
  if (!cached) {
    cached = readFile(file, 'utf8').catch((error: unknown) => {
      templateCache.delete(file);
      throw new RenderError(`Template ${name} could not be read from ${file}; check options.templatesDir`, {
        cause: error,
        template: name,
      });
    });
    templateCache.set(file, cached);
  }
  return cached;
}

export function templatesDirOf(options: RenderOptions): string {
  return options.templatesDir ?? DEFAULT_TEMPLATES_DIR;
}

export function wordsForModel(language: Language, context: string): TemplateWords {
  // The type says Language, but models can come from storage written by another version.
  const words = (TEMPLATE_WORDS as Partial<Record<string, TemplateWords>>)[language];
  if (!words) {
    throw new RenderError(`No template words for language "${String(language)}" (${context}); use one of ${Object.keys(TEMPLATE_WORDS).join(', ')}`);
  }
  return words;
}

export interface PageHeader {
  newsletterTitle: string;
  date?: string;
  webUrl?: string | undefined;
}

export interface PageFooter {
  whyYouGetThis: string;
  postalAddress: string;
  /** Show the unsubscribe and preferences links (placeholders filled per reader). */
  unsubscribe: boolean;
}

/** Fills head, header and footer partials around a page template and compiles it once. */
export async function renderPage(
  page: {
    template: 'digest.mjml' | 'confirm.mjml' | 'welcome.mjml';
    language: Language;
    words: TemplateWords;
    subject: string;
    preheader: string;
    header: PageHeader;
    footer: PageFooter;
    values: Readonly<Record<string, TemplateValue>>;
  },
  options: RenderOptions,
): Promise<string> {
  const dir = templatesDirOf(options);
  const [pageTemplate, head, header, footer] = await Promise.all([
    loadTemplate(dir, page.template),
    loadTemplate(dir, 'partials/head.mjml'),
    loadTemplate(dir, 'partials/header.mjml'),
    loadTemplate(dir, 'partials/footer.mjml'),
  ]);
  const { words } = page;
  const mjml = fillTemplate(
    pageTemplate,
    {
      ...page.values,
      lang: page.language,
      head: raw(
        fillTemplate(head, { subject: page.subject, preheader: page.preheader, font_family: words.fontFamily }, 'partials/head.mjml'),
      ),
      header: raw(
        fillTemplate(
          header,
          {
            newsletter_title: page.header.newsletterTitle,
            date: page.header.date,
            web_url: page.header.webUrl,
            view_online: words.viewOnline,
          },
          'partials/header.mjml',
        ),
      ),
      footer: raw(
        fillTemplate(
          footer,
          {
            why_you_get_this: page.footer.whyYouGetThis,
            unsubscribe: page.footer.unsubscribe ? words.unsubscribe : undefined,
            preferences: words.preferences,
            postal_address: addressLines(page.footer.postalAddress).join(', '),
          },
          'partials/footer.mjml',
        ),
      ),
    },
    page.template,
  );
  return compileMjml(mjml, page.template, options.validationLevel ?? 'soft');
}

interface MjmlProblem {
  formattedMessage?: string;
  message?: string;
}

/** Compiles filled MJML; every validation problem becomes a `RenderError` listing them all. */
export async function compileMjml(mjml: string, templateName: string, validationLevel: 'strict' | 'soft'): Promise<string> {
  let result: Awaited<ReturnType<typeof mjml2html>>;
  try {
    // No web fonts: the font stacks name system fonts, and a font import is a tracking request.
    result = await mjml2html(mjml, { validationLevel, fonts: {}, keepComments: false, minify: false, beautify: false });
  } catch (error) {
    const problems = (error as { errors?: MjmlProblem[] }).errors;
    const details = Array.isArray(problems) ? problems.map(describeProblem) : [error instanceof Error ? error.message : String(error)];
    throw new RenderError(`MJML could not compile ${templateName}: ${details.join('; ')}`, { cause: error, template: templateName, details });
  }
  if (result.errors.length > 0) {
    const details = result.errors.map(describeProblem);
    throw new RenderError(`MJML reported problems in ${templateName}: ${details.join('; ')}`, { template: templateName, details });
  }
  return result.html;
}

function describeProblem(problem: MjmlProblem): string {
  return problem.formattedMessage ?? problem.message ?? String(problem);
}

function hostOf(href: string): string | undefined {
  const url = new URL(href);
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.hostname : undefined;
}

function addressLines(postalAddress: string): string[] {
  return postalAddress
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** The plain-text footer: why, unsubscribe and preferences placeholders, postal address. */
export function textFooter(footer: PageFooter, words: TemplateWords): string[] {
  const lines = ['-- ', ...wrapPlainText(footer.whyYouGetThis)];
  if (footer.unsubscribe) {
    lines.push(`${words.unsubscribe}${words.labelSeparator}${PLACEHOLDERS.unsubscribeUrl}`);
    lines.push(`${words.preferences}${words.labelSeparator}${PLACEHOLDERS.preferencesUrl}`);
  }
  for (const line of addressLines(footer.postalAddress)) lines.push(...wrapPlainText(line));
  return lines;
}

export function joinTextBlocks(blocks: string[][]): string {
  return `${blocks.map((block) => block.join('\n')).join('\n\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// Plain-text wrapping that respects CJK.
// ---------------------------------------------------------------------------------------------

// East Asian Wide and Fullwidth ranges that matter for Chinese text (UAX #11, simplified).
const WIDE = /[\u1100-\u115F\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA000-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6\u{20000}-\u{3FFFD}]/u;
// A line may not start with these (kinsoku) ...
const CLOSING = new Set([...'，。、；：！？）」』》〉】〕］｝…‥・ー〜～ゝゞ々,.;:!?)]}%”’']);
// ... nor end with these.
const OPENING = new Set([...'（「『《〈【〔［｛([{“‘']);
// A good place to end a CJK line: after a clause or sentence. Latin text breaks greedily at spaces.
const CLAUSE_END = new Set([...'，。、；：！？']);

interface TextUnit {
  text: string;
  width: number;
  spaceBefore: boolean;
}

function charWidth(ch: string): number {
  return WIDE.test(ch) ? 2 : 1;
}

function textWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += charWidth(ch);
  return width;
}

/**
 * Splits text into pieces that must stay on one line: a Latin word or URL, one CJK character with
 * any closing punctuation after it, opening punctuation with what follows.
 */
function textUnits(text: string): TextUnit[] {
  const units: TextUnit[] = [];
  let spaceBefore = false;
  for (const ch of text) {
    if (/\s/u.test(ch)) {
      spaceBefore = units.length > 0;
      continue;
    }
    const last = units.at(-1);
    const lastChar = last ? [...last.text].at(-1) ?? '' : '';
    const narrow = !WIDE.test(ch);
    const joins =
      last !== undefined &&
      !spaceBefore &&
      (CLOSING.has(ch) || OPENING.has(lastChar) || (narrow && !WIDE.test(lastChar)));
    if (last && joins) {
      last.text += ch;
      last.width += charWidth(ch);
    } else {
      units.push({ text: ch, width: charWidth(ch), spaceBefore });
    }
    spaceBefore = false;
  }
  return units;
}

/**
 * Wraps one paragraph to `width` columns (a CJK character counts two). Latin breaks at spaces,
 * CJK between characters but never before closing or after opening punctuation, preferring the
 * end of a clause near the end of the line. Words longer than a line (URLs) are left whole.
 *
 * @example
 * wrapPlainText('重點一…', { first: '- ', rest: '  ' }); // ['- 重點一…', '  …']
 */
export function wrapPlainText(text: string, prefix: { first?: string; rest?: string } = {}, width = TEXT_WIDTH): string[] {
  const first = prefix.first ?? '';
  const rest = prefix.rest ?? '';
  const units = textUnits(neutralisePlaceholders(text));
  const lines: string[] = [];
  let current: TextUnit[] = [];
  let currentWidth = textWidth(first);

  const render = (line: TextUnit[], lead: string): string =>
    lead + line.map((unit, i) => (i > 0 && unit.spaceBefore ? ' ' : '') + unit.text).join('');
  const widthOf = (line: TextUnit[], lead: string): number =>
    textWidth(lead) + line.reduce((sum, unit, i) => sum + unit.width + (i > 0 && unit.spaceBefore ? 1 : 0), 0);

  for (const unit of units) {
    const extra = unit.width + (current.length > 0 && unit.spaceBefore ? 1 : 0);
    if (current.length > 0 && currentWidth + extra > width) {
      const lead = lines.length === 0 ? first : rest;
      // Prefer ending at a clause boundary when that still fills most of the line.
      let cut = current.length;
      for (let i = current.length - 1; i > 0; i--) {
        const lastChar = [...(current[i - 1]?.text ?? '')].at(-1) ?? '';
        if (CLAUSE_END.has(lastChar) && widthOf(current.slice(0, i), lead) >= width * 0.7) {
          cut = i;
          break;
        }
        if (widthOf(current.slice(0, i), lead) < width * 0.7) break;
      }
      lines.push(render(current.slice(0, cut), lead));
      current = current.slice(cut);
      current.push(unit);
      currentWidth = widthOf(current, rest);
    } else {
      current.push(unit);
      currentWidth += extra;
    }
  }
  if (current.length > 0 || lines.length === 0) lines.push(render(current, lines.length === 0 ? first : rest));
  return lines;
}
