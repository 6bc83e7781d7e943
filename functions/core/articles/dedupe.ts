import { createHash } from 'node:crypto';

/**
 * Recognising the same article when it arrives twice: through a feed and as a page, or with
 * tracking parameters added to its link. A link is only the article's identity where the source
 * is in a position to say so (see articleUrlKey): any source can name any address.
 */

/** Query parameters that say how a reader arrived, not which article it is. */
const TRACKING_PARAMS = new Set(['fbclid', 'gclid', 'dclid', 'msclkid', 'mc_cid', 'mc_eid', 'igshid', 'yclid']);

/**
 * A key that is equal for two links to the same article: the host lower-cased, http and https
 * treated alike, default ports, the fragment, tracking parameters (`utm_*`, `fbclid`, `gclid`…)
 * and a trailing slash removed, and the remaining parameters sorted. Not a URL to visit.
 * A string that is not a URL is returned trimmed.
 *
 * @example
 * canonicalKey('HTTPS://Example.com:443/post/?utm_source=x#top'); // 'https://example.com/post'
 */
export function canonicalKey(url: string): string {
  const trimmed = url.trim();
  let parsed: URL;
  try {
    parsed = new URL(trimmed);
  } catch {
    return trimmed;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return parsed.href;

  const port = parsed.port === '80' || parsed.port === '443' ? '' : parsed.port;
  const host = `${parsed.hostname.toLowerCase()}${port ? `:${port}` : ''}`;
  // The trailing run of slashes is matched from its start only: tried from every slash of a long run
  // inside the path, the pattern took time quadratic in its length.
  const path = parsed.pathname.replace(/(?<!\/)\/+$/, '');
  const params = [...parsed.searchParams.entries()]
    .filter(([name]) => !name.toLowerCase().startsWith('utm_') && !TRACKING_PARAMS.has(name.toLowerCase()))
    .sort(([a, av], [b, bv]) => (a === b ? compare(av, bv) : compare(a, b)));
  const query = params.length > 0 ? `?${new URLSearchParams(params).toString()}` : '';
  return `https://${host}${path}${query}`;
}

/**
 * The key an article's link dedupes and is remembered as sent under, or undefined when the link is
 * not an http(s) address (`javascript:…`, a file name). `url:<canonical link>` when the link is on
 * the site the text was read from (a page's own address or canonical link, a feed item on the
 * feed's site): the publisher's word, the same for every source that reaches the article. Any
 * other link (a feed naming another site's address, a page declaring another site's page as its
 * canonical, a file's front matter) is only that source's claim: `url@<source>:<canonical link>`,
 * which matches the same link from the same source and nothing else, so no source can suppress
 * another's article by naming its address.
 *
 * @example
 * articleUrlKey({ url: 'https://example.com/a', readFrom: 'https://example.com/feed' }, 'feed https://example.com/feed'); // 'url:https://example.com/a'
 */
export function articleUrlKey(article: { url?: string | undefined; readFrom?: string | undefined }, source: string): string | undefined {
  const link = article.url === undefined ? undefined : webKey(article.url);
  if (link === undefined) return undefined;
  const readFrom = article.readFrom === undefined ? undefined : webKey(article.readFrom);
  if (readFrom !== undefined && siteOf(readFrom) === siteOf(link)) return `url:${link}`;
  return `url@${createHash('sha256').update(source).digest('hex').slice(0, 16)}:${link}`;
}

/** The canonical key of an http(s) address; undefined for anything else. */
function webKey(url: string): string | undefined {
  let protocol: string;
  try {
    protocol = new URL(url.trim()).protocol;
  } catch {
    return undefined;
  }
  return protocol === 'http:' || protocol === 'https:' ? canonicalKey(url) : undefined;
}

/** Host and port of a canonical key (scheme-insensitive, as canonicalKey is). */
function siteOf(key: string): string {
  return new URL(key).host;
}

/**
 * Keeps the first of articles that are the same, by content id or by link key (articleUrlKey), in order.
 *
 * @example
 * const { unique, duplicates } = dedupeArticles(articles);
 */
export function dedupeArticles<T extends { id: string; urlKey?: string | undefined }>(articles: T[]): { unique: T[]; duplicates: T[] } {
  const seenIds = new Set<string>();
  const seenUrls = new Set<string>();
  const unique: T[] = [];
  const duplicates: T[] = [];
  for (const article of articles) {
    const urlKey = article.urlKey;
    if (seenIds.has(article.id) || (urlKey !== undefined && seenUrls.has(urlKey))) {
      duplicates.push(article);
      continue;
    }
    unique.push(article);
    seenIds.add(article.id);
    if (urlKey !== undefined) seenUrls.add(urlKey);
  }
  return { unique, duplicates };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
