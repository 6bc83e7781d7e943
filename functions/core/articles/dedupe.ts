/**
 * Recognising the same article when it arrives twice: through a feed and as a page, or with
 * tracking parameters added to its link.
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
  const path = parsed.pathname.replace(/\/+$/, '');
  const params = [...parsed.searchParams.entries()]
    .filter(([name]) => !name.toLowerCase().startsWith('utm_') && !TRACKING_PARAMS.has(name.toLowerCase()))
    .sort(([a, av], [b, bv]) => (a === b ? compare(av, bv) : compare(a, b)));
  const query = params.length > 0 ? `?${new URLSearchParams(params).toString()}` : '';
  return `https://${host}${path}${query}`;
}

/**
 * Keeps the first of articles that are the same, by content id or by canonical link, in order.
 *
 * @example
 * const { unique, duplicates } = dedupeArticles(articles);
 */
export function dedupeArticles<T extends { id: string; url?: string }>(articles: T[]): { unique: T[]; duplicates: T[] } {
  const seenIds = new Set<string>();
  const seenUrls = new Set<string>();
  const unique: T[] = [];
  const duplicates: T[] = [];
  for (const article of articles) {
    const urlKey = article.url ? canonicalKey(article.url) : undefined;
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
