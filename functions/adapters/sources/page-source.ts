import pLimit from 'p-limit';
import type { ArticleProblem, RawArticle } from '../../core/article.js';
import type { Clock } from '../../core/clock.js';
import type { ArticleSource, SourceCollection } from '../../ports/article-source.js';
import { readHtmlArticle } from './html-article-thread.js';
import { DEFAULT_SOURCE_TIME_BUDGET_MS, fetchText, sourceBudget, type HttpFetchOptions } from './http-fetch.js';

export interface PageSourceOptions {
  fetch?: HttpFetchOptions;
  /** Pages fetched at once. Default 4. */
  concurrency?: number;
  /** All the pages together, in milliseconds. Default 30 000. */
  timeBudgetMs?: number;
  /** Ends the source's work early, as its time budget does (for tests, or a caller's own deadline). */
  signal?: AbortSignal;
  /** The clock the time budget is kept by. Default: the system's. */
  clock?: Pick<Clock, 'now'>;
}

export interface PageFetchOptions extends HttpFetchOptions {
  /**
   * Asked between the steps of reading the page: the reason the caller's time is up, or `undefined`
   * while some is left (see `SourceBudget.outOfTime`). A page whose time is up is not read further.
   */
  outOfTime?: () => string | undefined;
  /**
   * Milliseconds left to read the page in (see `SourceBudget.timeLeftMs`). The page is read in a
   * worker thread that is stopped when they run out. Default: the default source time budget.
   */
  timeLeftMs?: () => number;
}

export type PageArticleResult = { ok: true; article: RawArticle } | { ok: false; reason: string };

/**
 * Fetches one web page and extracts its article. The article's `url` is the page's canonical URL
 * when it declares one, else the address it was finally served from (`readFrom`); `location` is `url` as given.
 *
 * @example
 * const page = await fetchPageArticle('https://example.com/post', { timeoutMs: 5000 });
 */
export async function fetchPageArticle(url: string, options: PageFetchOptions = {}): Promise<PageArticleResult> {
  const { outOfTime, timeLeftMs, ...fetchOptions } = options;
  // A page queued behind others being read may start after the time is up, before the timer has fired.
  const late = outOfTime?.();
  if (late !== undefined) return { ok: false, reason: late };
  const response = await fetchText(url, 'html', fetchOptions);
  if (!response.ok) return response;
  // The time may have run out while the page arrived, before the budget's timer had a turn.
  const spent = outOfTime?.();
  if (spent !== undefined) return { ok: false, reason: spent };
  // Parsing and Readability are synchronous and can run for seconds on a hostile page: a worker
  // thread reads it, so the time budget's timer keeps running and the page is stopped when it fires.
  const extracted = await readHtmlArticle(response.body, response.url, { timeLeftMs: timeLeftMs ?? (() => DEFAULT_SOURCE_TIME_BUDGET_MS) });
  if ('error' in extracted) return { ok: false, reason: extracted.error };
  const article: RawArticle = { location: url, format: 'text', body: extracted.text, url: extracted.canonicalUrl ?? response.url, readFrom: response.url };
  if (extracted.title) article.title = extracted.title;
  if (extracted.siteName) article.siteNames = [extracted.siteName];
  if (extracted.byline) article.byline = extracted.byline;
  if (extracted.publishedAt) article.publishedAt = extracted.publishedAt;
  if (extracted.language) article.language = extracted.language;
  return { ok: true, article };
}

/**
 * Articles from a list of web pages, one article per page, in the order given.
 *
 * @example
 * const source = new PageSource(['https://example.com/a', 'https://example.com/b']);
 * const { articles, problems } = await source.collect();
 */
export class PageSource implements ArticleSource {
  readonly description: string;

  constructor(
    private readonly urls: readonly string[],
    private readonly options: PageSourceOptions = {},
  ) {
    const [first] = urls;
    this.description = urls.length <= 1 ? `page ${first ?? '(none)'}` : `pages ${first} and ${urls.length - 1} more`;
  }

  async collect(): Promise<SourceCollection> {
    const limit = pLimit(this.options.concurrency ?? 4);
    const budget = sourceBudget(this.options.timeBudgetMs ?? DEFAULT_SOURCE_TIME_BUDGET_MS, this.options.signal, this.options.clock);
    // One fetch per page, however many #fragments name it.
    const pages = new Map<string, Promise<PageArticleResult>>();
    const fetchPage = (url: string): Promise<PageArticleResult> => {
      const key = url.replace(/#.*$/s, '');
      let page = pages.get(key);
      if (!page) {
        page = limit(() => fetchPageArticle(key, { ...this.options.fetch, signal: budget.signal, outOfTime: budget.outOfTime, timeLeftMs: budget.timeLeftMs }));
        pages.set(key, page);
      }
      return page;
    };
    let results: PageArticleResult[];
    try {
      results = await Promise.all(this.urls.map(fetchPage));
    } finally {
      budget.release();
    }
    const articles: RawArticle[] = [];
    const problems: ArticleProblem[] = [];
    results.forEach((result, index) => {
      if (result.ok) articles.push(result.article);
      else problems.push({ location: this.urls[index] ?? '', reason: result.reason });
    });
    return { articles, problems, ...(results.length > 0 && articles.length === 0 && problems.length === results.length ? { failed: true } : {}) };
  }
}
