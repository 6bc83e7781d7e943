import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { fitHtmlToBudget, HtmlBudgetError } from './html-budget.js';

/**
 * Turns a web page (or an HTML file) into article text: the article's paragraphs separated by
 * blank lines, without the page chrome around it, plus the metadata the page declares.
 */

export interface HtmlArticle {
  title?: string;
  /** Paragraphs separated by one blank line. */
  text: string;
  byline?: string;
  /** ISO 8601. */
  publishedAt?: string;
  canonicalUrl?: string;
  language?: string;
  /** The site's own name (og:site_name, application-name), for telling a site name from a headline's attribution. */
  siteName?: string;
}

export interface HtmlArticleOptions {
  /**
   * Asked between the steps of reading the page (measuring, parsing, cleaning, Readability): the
   * reason the caller's time is up, or `undefined` while some is left. Reading is synchronous, so
   * no timer can stop it; these checks are where a time budget is kept.
   */
  outOfTime?: () => string | undefined;
}

/** Stops reading a page whose time is up; its message is the reason reported for the page. */
class OutOfTimeError extends Error {
  override readonly name = 'OutOfTimeError';
}

/**
 * Extracts the article from a whole HTML page with Readability, falling back to the page's body
 * text when Readability finds nothing. Relative links resolve against `pageUrl`.
 *
 * @example
 * const result = extractHtmlArticle(html, 'https://example.com/posts/1');
 * if ('error' in result) console.warn(result.error);
 * else console.log(result.title, result.text.split('\n\n'));
 */
export function extractHtmlArticle(html: string, pageUrl?: string, options: HtmlArticleOptions = {}): HtmlArticle | { error: string } {
  if (html.trim() === '') return { error: 'the page is empty' };
  const checkTime = (): void => {
    const reason = options.outOfTime?.();
    if (reason !== undefined) throw new OutOfTimeError(reason);
  };
  try {
    checkTime();
    const fitted = fitHtmlToBudget(html);
    if (!fitted.ok) return { error: fitted.reason };
    return extractFrom(fitted.html, pageUrl, checkTime);
  } catch (error) {
    if (error instanceof OutOfTimeError) return { error: error.message };
    // Whatever a hostile page does to the parser stays with this page: the others are still read.
    return { error: `the page could not be read as HTML (${error instanceof Error ? error.message : String(error)})` };
  }
}

function extractFrom(html: string, pageUrl: string | undefined, checkTime: () => void): HtmlArticle | { error: string } {
  checkTime();
  const document = parseDocument(html);
  const metadata = readMetadata(document, pageUrl);

  checkTime();
  removeChrome(document);
  resolveLinks(document, pageUrl);

  // Readability changes the document it reads, so the fallback gets its own copy of the body.
  const fallbackHtml = document.body?.innerHTML ?? '';
  checkTime();
  let readable: ReturnType<Readability['parse']> = null;
  try {
    readable = new Readability(document, { charThreshold: 200 }).parse();
  } catch {
    // A page Readability cannot handle still has body text; the fallback below reads it.
  }

  checkTime();
  const title = clean(metadata.title ?? readable?.title ?? undefined);
  let paragraphs = readable?.content ? htmlToParagraphs(readable.content) : [];
  if (paragraphs.length === 0) {
    checkTime();
    paragraphs = htmlToParagraphs(fallbackHtml);
  }
  if (title && paragraphs[0] === title) paragraphs = paragraphs.slice(1);
  if (paragraphs.length === 0) return { error: 'no article text found in the page' };

  return withoutUndefined({
    title,
    text: paragraphs.join('\n\n'),
    byline: clean(metadata.byline ?? readable?.byline ?? undefined),
    publishedAt: toIsoDate(metadata.publishedAt ?? readable?.publishedTime ?? undefined),
    canonicalUrl: metadata.canonicalUrl,
    language: clean(metadata.language ?? readable?.lang ?? undefined),
    siteName: metadata.siteName ?? clean(readable?.siteName ?? undefined),
  });
}

/**
 * Converts an HTML fragment (a feed item's content, Readability's output) to paragraphs:
 * each block element becomes one paragraph with its whitespace collapsed. Markup nested too deeply
 * is flattened; a fragment with too many elements throws an `HtmlBudgetError` carrying the reason.
 *
 * @example
 * htmlToParagraphs('<p>One <b>two</b></p><ul><li>three</li></ul>'); // ['One two', 'three']
 */
export function htmlToParagraphs(html: string): string[] {
  if (html.trim() === '') return [];
  const fitted = fitHtmlToBudget(html);
  if (!fitted.ok) throw new HtmlBudgetError(fitted.reason);
  const { document } = parseHTML(`<!doctype html><html><body>${fitted.html}</body></html>`);
  removeChrome(document);
  const paragraphs: string[] = [];
  let current = '';
  const flush = (): void => {
    const paragraph = collapseWhitespace(current);
    if (paragraph !== '') paragraphs.push(paragraph);
    current = '';
  };
  const walk = (node: Node): void => {
    if (node.nodeType === TEXT_NODE) {
      current += node.textContent ?? '';
      return;
    }
    if (node.nodeType !== ELEMENT_NODE) return;
    const element = node as Element;
    const tag = element.tagName.toLowerCase();
    if (SKIPPED_TAGS.has(tag)) return;
    if (tag === 'br') {
      flush();
      return;
    }
    if (tag === 'pre') {
      flush();
      // trimEnd, not /\s+$/, which reads every run of spaces inside the text to its end (quadratic).
      const text = (element.textContent ?? '').trimEnd().replace(/^\n+/, '');
      if (text.trim() !== '') paragraphs.push(text);
      return;
    }
    const block = BLOCK_TAGS.has(tag);
    if (block) flush();
    for (const child of Array.from(element.childNodes)) walk(child);
    if (block) flush();
    else if (tag === 'td' || tag === 'th') current += ' ';
  };
  if (document.body) walk(document.body);
  flush();
  return paragraphs;
}

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;

const BLOCK_TAGS = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'body',
  'caption',
  'dd',
  'details',
  'dialog',
  'div',
  'dl',
  'dt',
  'fieldset',
  'figcaption',
  'figure',
  'footer',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hgroup',
  'hr',
  'li',
  'main',
  'ol',
  'p',
  'section',
  'summary',
  'table',
  'tr',
  'ul',
]);

const SKIPPED_TAGS = new Set([
  'script',
  'style',
  'noscript',
  'template',
  'iframe',
  'object',
  'embed',
  'svg',
  'canvas',
  'button',
  'select',
  'input',
  'textarea',
  'form',
  'nav',
  'head',
  'title',
  'meta',
  'link',
]);

/** Elements that are never article text, whatever their classes. */
const CHROME_SELECTOR = [
  'script',
  'style',
  'noscript',
  'template',
  'iframe',
  'nav',
  'form',
  'button',
  'dialog',
  'svg',
  '[hidden]',
  '[aria-hidden="true"]',
  '[role="navigation"]',
  '[role="banner"]',
  '[role="contentinfo"]',
  '[role="complementary"]',
  '[role="dialog"]',
  '[role="alertdialog"]',
  '[role="search"]',
  'body > header',
  'body > footer',
  'aside',
].join(', ');

/**
 * Class or id words that mark page chrome: ads, cookie notices, related-article blocks, share bars.
 * Matched as whole words of a class or id (`ad-slot`, `related_posts`), so `header` or `reader`
 * never match `ad`.
 */
const CHROME_WORDS = new Set([
  'ad',
  'ads',
  'adv',
  'advert',
  'adverts',
  'advertisement',
  'advertising',
  'sponsor',
  'sponsored',
  'promo',
  'promotion',
  'cookie',
  'cookies',
  'consent',
  'gdpr',
  'related',
  'recommended',
  'recommendations',
  'popular',
  'trending',
  'share',
  'sharing',
  'social',
  'newsletter',
  'subscribe',
  'subscription',
  'signup',
  'paywall',
  'popup',
  'modal',
  'breadcrumb',
  'breadcrumbs',
  'comments',
  'comment',
  'sidebar',
  'menu',
  'navbar',
  'toolbar',
  'outbrain',
  'taboola',
  'banner',
  'skip',
  'pagination',
  'tags',
  'byline',
  'dateline',
  'author',
]);

function parseDocument(html: string): Document {
  // linkedom makes the first element the root of a fragment; a page needs <html> and <body>.
  const isDocument = /<html[\s>]/i.test(html) || /<body[\s>]/i.test(html);
  return parseHTML(isDocument ? html : `<!doctype html><html><head></head><body>${html}</body></html>`).document;
}

const ARTICLE_SELECTOR = 'article, main, [role="main"], [itemprop="articleBody"]';

function removeChrome(document: Document): void {
  for (const element of Array.from(document.querySelectorAll(CHROME_SELECTOR))) {
    if (!holdsArticle(element)) element.remove();
  }
  const pageLength = (document.body?.textContent ?? '').trim().length;
  for (const element of Array.from(document.querySelectorAll('[class], [id]'))) {
    if (['HTML', 'BODY', 'ARTICLE', 'MAIN'].includes(element.tagName.toUpperCase())) continue;
    const names = `${element.getAttribute('class') ?? ''} ${element.getAttribute('id') ?? ''}`.toLowerCase();
    const words = names.split(/[\s_-]+/).filter(Boolean);
    if (!words.some((word) => CHROME_WORDS.has(word))) continue;
    // A layout wrapper such as `<div class="with-sidebar">` can hold the article itself.
    if (holdsArticle(element)) continue;
    if (pageLength > 0 && (element.textContent ?? '').trim().length > pageLength / 2) continue;
    element.remove();
  }
}

function holdsArticle(element: Element): boolean {
  return element.querySelector(ARTICLE_SELECTOR) !== null;
}

function resolveLinks(document: Document, pageUrl: string | undefined): void {
  const base = baseUrl(document, pageUrl);
  if (!base) return;
  for (const [selector, attribute] of [
    ['a[href]', 'href'],
    ['img[src]', 'src'],
  ] as const) {
    for (const element of Array.from(document.querySelectorAll(selector))) {
      const absolute = resolveUrl(element.getAttribute(attribute) ?? '', base);
      if (absolute) element.setAttribute(attribute, absolute);
    }
  }
}

function baseUrl(document: Document, pageUrl: string | undefined): string | undefined {
  const declared = document.querySelector('base[href]')?.getAttribute('href');
  if (declared) return resolveUrl(declared, pageUrl) ?? pageUrl;
  return pageUrl;
}

function resolveUrl(value: string, base: string | undefined): string | undefined {
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  try {
    return new URL(trimmed, base).href;
  } catch {
    return undefined;
  }
}

interface PageMetadata {
  siteName?: string;
  title?: string;
  byline?: string;
  publishedAt?: string;
  canonicalUrl?: string;
  language?: string;
}

function readMetadata(document: Document, pageUrl: string | undefined): PageMetadata {
  const meta = (selector: string): string | undefined => clean(document.querySelector(selector)?.getAttribute('content') ?? undefined);
  const jsonLd = readJsonLd(document);
  const base = baseUrl(document, pageUrl);

  const canonicalHref = document.querySelector('link[rel~="canonical" i]')?.getAttribute('href') ?? meta('meta[property="og:url"]') ?? undefined;
  const canonicalUrl = canonicalHref ? resolveUrl(canonicalHref, base) : undefined;

  return {
    siteName: meta('meta[property="og:site_name"]') ?? meta('meta[name="application-name"]'),
    title:
      meta('meta[property="og:title"]') ??
      meta('meta[name="twitter:title"]') ??
      jsonLd.headline ??
      clean(document.querySelector('title')?.textContent ?? undefined) ??
      clean(document.querySelector('h1')?.textContent ?? undefined),
    byline:
      meta('meta[name="author"]') ??
      meta('meta[property="article:author"]') ??
      jsonLd.author ??
      clean(document.querySelector('[rel="author"], .byline, [itemprop="author"]')?.textContent ?? undefined),
    publishedAt:
      meta('meta[property="article:published_time"]') ??
      meta('meta[itemprop="datePublished"]') ??
      jsonLd.datePublished ??
      clean(document.querySelector('time[datetime]')?.getAttribute('datetime') ?? undefined) ??
      meta('meta[name="date"]'),
    canonicalUrl: canonicalUrl && /^https?:/.test(canonicalUrl) ? canonicalUrl : undefined,
    language:
      clean(document.documentElement?.getAttribute('lang') ?? undefined) ??
      meta('meta[http-equiv="content-language" i]') ??
      meta('meta[property="og:locale"]')?.replace('_', '-'),
  };
}

interface JsonLdArticle {
  headline?: string;
  author?: string;
  datePublished?: string;
}

/** Reads the first JSON-LD object that looks like an article; broken JSON is ignored. */
function readJsonLd(document: Document): JsonLdArticle {
  for (const script of Array.from(document.querySelectorAll('script[type="application/ld+json"]'))) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(script.textContent ?? '');
    } catch {
      continue;
    }
    for (const node of flattenJsonLd(parsed)) {
      if (typeof node.datePublished !== 'string' && typeof node.headline !== 'string') continue;
      return withoutUndefined({
        headline: typeof node.headline === 'string' ? clean(node.headline) : undefined,
        datePublished: typeof node.datePublished === 'string' ? clean(node.datePublished) : undefined,
        author: jsonLdAuthor(node.author),
      });
    }
  }
  return {};
}

/**
 * How deep arrays and `@graph`s are followed in JSON-LD. Sites nest two or three levels; a page
 * that nests thousands (JSON.parse reads any depth) would otherwise overflow the stack here.
 */
const MAX_JSON_LD_DEPTH = 8;

function flattenJsonLd(value: unknown, depth = 0): Record<string, unknown>[] {
  if (depth > MAX_JSON_LD_DEPTH) return [];
  if (Array.isArray(value)) return value.flatMap((item) => flattenJsonLd(item, depth + 1));
  if (value === null || typeof value !== 'object') return [];
  const record = value as Record<string, unknown>;
  return [record, ...flattenJsonLd(record['@graph'], depth + 1)];
}

function jsonLdAuthor(value: unknown, depth = 0): string | undefined {
  if (typeof value === 'string') return clean(value);
  if (Array.isArray(value)) {
    if (depth >= MAX_JSON_LD_DEPTH) return undefined;
    const names = value.map((item) => jsonLdAuthor(item, depth + 1)).filter((name): name is string => name !== undefined);
    return names.length > 0 ? names.join(', ') : undefined;
  }
  if (value !== null && typeof value === 'object' && typeof (value as { name?: unknown }).name === 'string') {
    return clean((value as { name: string }).name);
  }
  return undefined;
}

/**
 * Normalises a date the page declares to ISO 8601. A bare date (`2024-05-01`) stays as it is,
 * since turning it into a UTC midnight would invent a time the page never stated.
 */
export function toIsoDate(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  if (!trimmed) return undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(trimmed)) return Number.isNaN(Date.parse(trimmed)) ? undefined : trimmed;
  const time = Date.parse(trimmed);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

const CJK = '\\u2e80-\\u9fff\\uf900-\\ufaff\\uff00-\\uffef\\u3000-\\u303f';
const LINE_BREAK_BETWEEN_CJK = new RegExp(`([${CJK}])[ \\t]*\\r?\\n\\s*(?=[${CJK}])`, 'g');

function collapseWhitespace(text: string): string {
  // A source line break inside Chinese or Japanese text is not a word break, so it leaves no space;
  // a space typed between two phrases (common in headlines) stays.
  return text.replace(LINE_BREAK_BETWEEN_CJK, '$1').replace(/\s+/g, ' ').trim();
}

function clean(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const collapsed = collapseWhitespace(value);
  return collapsed === '' ? undefined : collapsed;
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
