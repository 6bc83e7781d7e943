import { parseFeed } from '@rowanmanning/feed-parser';
import pLimit from 'p-limit';
import type { ArticleProblem, RawArticle } from '../../core/article.js';
import { escapeHtmlKeepingReferences } from '../../core/html-escape.js';
import type { Clock } from '../../core/clock.js';
import type { ArticleSource, SourceCollection } from '../../ports/article-source.js';
import { htmlToParagraphs } from './html-article.js';
import { DEFAULT_SOURCE_TIME_BUDGET_MS, fetchText, sourceBudget, type HttpFetchOptions, type SourceBudget } from './http-fetch.js';
import { fetchPageArticle, type PageArticleResult, type PageFetchOptions } from './page-source.js';

type Feed = ReturnType<typeof parseFeed>;
type FeedItem = Feed['items'][number];

export interface FeedSourceOptions {
  /** Follow an item that carries only a summary to its page for the full text. Default false. */
  followLinks?: boolean;
  /** The first this many items of the feed are read. Default 20. */
  maxItems?: number;
  /** Items with less text than this count as a summary when following links. Default 500. */
  minFullTextLength?: number;
  fetch?: HttpFetchOptions;
  /** Linked pages fetched at once. Default 4. */
  concurrency?: number;
  /** The whole feed, linked pages included, in milliseconds. Default 30 000. */
  timeBudgetMs?: number;
  /** Ends the source's work early, as its time budget does (for tests, or a caller's own deadline). */
  signal?: AbortSignal;
  /** The clock the time budget is kept by. Default: the system's. */
  clock?: Pick<Clock, 'now'>;
}

/**
 * Articles from one RSS 2.0 or Atom feed, one per item, in feed order. Item links resolve
 * against the feed's address; item HTML becomes paragraphs of text.
 *
 * @example
 * const source = new FeedSource('https://example.com/feed.xml', { followLinks: true, maxItems: 10 });
 * const { articles, problems } = await source.collect();
 */
export class FeedSource implements ArticleSource {
  readonly description: string;

  constructor(
    private readonly url: string,
    private readonly options: FeedSourceOptions = {},
  ) {
    this.description = `feed ${url}`;
  }

  async collect(): Promise<SourceCollection> {
    const budget = sourceBudget(this.options.timeBudgetMs ?? DEFAULT_SOURCE_TIME_BUDGET_MS, this.options.signal, this.options.clock);
    try {
      return await this.collectWithin(budget);
    } finally {
      budget.release();
    }
  }

  private async collectWithin(budget: SourceBudget): Promise<SourceCollection> {
    const fetchOptions: PageFetchOptions = { ...this.options.fetch, signal: budget.signal, outOfTime: budget.outOfTime, timeLeftMs: budget.timeLeftMs };
    const response = await fetchText(this.url, 'feed', fetchOptions);
    if (!response.ok) return { articles: [], problems: [{ location: this.url, reason: response.reason }], failed: true };

    const parsed = readFeed(response.body);
    if ('reason' in parsed) return { articles: [], problems: [{ location: this.url, reason: parsed.reason }], failed: true };

    const feed = parsed.feed;
    const items = feed.items.slice(0, this.options.maxItems ?? 20);
    const limit = pLimit(this.options.concurrency ?? 4);
    // Items often link to one page with different #fragments: it is fetched once.
    const pages = new Map<string, Promise<PageArticleResult>>();
    const fetchPage = (link: string): Promise<PageArticleResult> => {
      const key = link.replace(/#.*$/s, '');
      let page = pages.get(key);
      if (!page) {
        page = fetchPageArticle(key, fetchOptions);
        pages.set(key, page);
      }
      return page;
    };
    const results = await Promise.all(items.map((item, index) => limit(() => this.readItemSafely(item, index, feed, response.url, fetchPage))));
    return {
      articles: results.flatMap((result) => (result.article ? [result.article] : [])),
      problems: results.flatMap((result) => result.problems),
    };
  }

  /** One item that cannot be read (hostile markup, a parser fault) is a problem of its own, not the feed's. */
  private async readItemSafely(...args: Parameters<FeedSource['readItem']>): Promise<{ article?: RawArticle; problems: ArticleProblem[] }> {
    try {
      return await this.readItem(...args);
    } catch (error) {
      const [item, index, , feedUrl] = args;
      const location = resolve(item.url, feedUrl) ?? `${this.url} (item ${index + 1})`;
      return { problems: [{ location, reason: `the item could not be read: ${error instanceof Error ? error.message : String(error)}` }] };
    }
  }

  private async readItem(
    item: FeedItem,
    index: number,
    feed: Feed,
    feedUrl: string,
    fetchPage: (url: string) => Promise<PageArticleResult>,
  ): Promise<{ article?: RawArticle; problems: ArticleProblem[] }> {
    const link = resolve(item.url, feedUrl);
    const location = link ?? `${this.url} (item ${index + 1})`;
    const text = itemText(item);
    // The summary was read from the feed: its link is the publisher's own only on the feed's site.
    const summary: RawArticle = { location, format: 'text', body: text, readFrom: feedUrl };
    const title = clean(item.title);
    if (title) summary.title = title;
    if (link) summary.url = link;
    const published = item.published ?? item.updated;
    if (published) summary.publishedAt = published.toISOString();
    const byline = item.authors
      .map((author) => clean(author.name))
      .filter(Boolean)
      .join(', ');
    if (byline) summary.byline = byline;
    const language = clean(feed.language);
    if (language) summary.language = language;
    const feedTitle = clean(feed.title);
    if (feedTitle) summary.siteNames = [feedTitle];

    const isSummary = text.length < (this.options.minFullTextLength ?? 500);
    if (this.options.followLinks && isSummary && link) {
      const page = await fetchPage(link);
      if (page.ok) {
        // The feed's own title, date and author describe the item; the page fills in the rest. The
        // page's canonical URL is the article's identity, so a page source naming it finds the same one.
        const url = page.article.url ?? summary.url;
        return {
          article: {
            ...page.article,
            ...summary,
            body: page.article.body,
            language: summary.language ?? page.article.language,
            siteNames: [...(summary.siteNames ?? []), ...(page.article.siteNames ?? [])],
            ...(url ? { url } : {}),
            ...(page.article.readFrom ? { readFrom: page.article.readFrom } : {}),
          },
          problems: [],
        };
      }
      if (text === '') return { problems: [{ location, reason: `the item has no text and its page could not be read: ${page.reason}` }] };
      return {
        article: summary,
        problems: [{ location, reason: `the full article could not be read (${page.reason}); the feed's summary is used instead` }],
      };
    }

    if (text === '') {
      const hint = link ? '; set followLinks to true to read the article from its page' : '';
      return { problems: [{ location, reason: `the item has no text${hint}` }] };
    }
    return { article: summary, problems: [] };
  }
}

function readFeed(xml: string): { feed: Feed } | { reason: string } {
  try {
    return { feed: parseFeed(xml) };
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'INVALID_FEED') {
      if (/<html[\s>]/i.test(xml.slice(0, 4096))) {
        return { reason: 'not an RSS or Atom feed: the address serves a web page; use a page source for it, or the feed link the page names' };
      }
      return { reason: 'not an RSS or Atom feed: check the address' };
    }
    const message = error instanceof Error ? error.message : String(error);
    return { reason: `malformed XML, the feed cannot be read (${message.slice(0, 160)})` };
  }
}

/** The item's full content when it has some, else its summary, as paragraphs of text. */
function itemText(item: FeedItem): string {
  const content = toText(item.content);
  const description = toText(item.description);
  return content.length >= description.length ? content : description;
}

function toText(value: string | null): string {
  if (!value) return '';
  // Some feeds put plain text in the description; keep its blank-line paragraphs.
  if (!/<[a-z!][^>]*>/i.test(value)) {
    return htmlToParagraphs(
      value
        .split(/\r?\n\s*\r?\n/)
        .map((paragraph) => `<p>${escapeHtmlKeepingReferences(paragraph)}</p>`)
        .join(''),
    ).join('\n\n');
  }
  return htmlToParagraphs(value).join('\n\n');
}

function resolve(url: string | null, base: string): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url.trim(), base).href;
  } catch {
    return undefined;
  }
}

function clean(value: string | null | undefined): string | undefined {
  const collapsed = value?.replace(/\s+/g, ' ').trim();
  return collapsed ? collapsed : undefined;
}
