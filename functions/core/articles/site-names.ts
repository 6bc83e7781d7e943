import type { RawArticle } from '../article.js';
import { titleSuffix } from './cleaning-rules.js';

/**
 * A site's name is chrome on its titles, a headline's attribution is not ("Abortion not a poll
 * issue - Blair"). Besides the names a source declares (og:site_name, a feed's title), a suffix that
 * several of one source's titles end with is its name: a headline's attribution changes from story
 * to story, a site's name does not.
 */

/** How many of a source's titles must end with the same suffix for it to count as the site's name. */
const REPEATED_AT_LEAST = 2;

/**
 * The suffixes (after " | ", " - ", " — ", "_") that at least two of `titles` end with.
 *
 * @example
 * repeatedTitleSuffixes(['Bridge reopens | Harbor Daily', 'Port strike ends | Harbor Daily']); // ['Harbor Daily']
 */
function repeatedTitleSuffixes(titles: readonly (string | undefined)[]): string[] {
  const counts = new Map<string, { name: string; count: number }>();
  for (const title of titles) {
    const suffix = title === undefined ? undefined : titleSuffix(title.replace(/\s+/g, ' ').trim())?.suffix;
    if (!suffix) continue;
    const key = suffix.toLowerCase();
    const entry = counts.get(key) ?? { name: suffix, count: 0 };
    entry.count += 1;
    counts.set(key, entry);
  }
  return [...counts.values()].filter((e) => e.count >= REPEATED_AT_LEAST).map((e) => e.name);
}

/** The articles of one source, each knowing the suffixes its source's titles repeat as site names. */
export function withRepeatedSiteNames(articles: readonly RawArticle[]): RawArticle[] {
  const repeated = repeatedTitleSuffixes(articles.map((a) => a.title));
  if (repeated.length === 0) return [...articles];
  return articles.map((a) => ({ ...a, siteNames: [...(a.siteNames ?? []), ...repeated] }));
}
