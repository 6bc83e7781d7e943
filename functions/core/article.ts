/**
 * Articles as the product sees them: what a source hands over (a raw article) and what the
 * rest of the edition works with once it is cleaned (an article with a title and paragraphs).
 */

/** The formats a source can hand over; cleaning depends on it. */
export type ArticleFormat = 'text' | 'markdown' | 'html';

/** An article as fetched from a source, before any cleaning. */
export interface RawArticle {
  /** Where it came from, for messages and reports: a file path or a URL. */
  location: string;
  format: ArticleFormat;
  body: string;
  /** Public link to the article, when known (feeds, pages, front matter). */
  url?: string;
  /**
   * The web address the text was read from, after redirects (a page, or the feed for an item's
   * summary); absent for files. A link on the same site is the publisher's own (see articleUrlKey).
   */
  readFrom?: string;
  /** A title the source already knows (feed item, page metadata); cleaning may still improve it. */
  title?: string;
  /**
   * Names the source is known by (og:site_name, the feed's title, a suffix its titles repeat): only
   * these (and the domain of `url` or `readFrom`) are cut from the end of a title as a site name.
   */
  siteNames?: string[];
  byline?: string;
  /** ISO 8601. */
  publishedAt?: string;
  /** BCP 47 language tag when the source declares one. */
  language?: string;
}

/** A cleaned article, ready for key-point extraction. */
export interface Article {
  /** Stable id: a hash of the cleaned title and text, so the same article is recognised again. */
  id: string;
  title: string;
  /** Cleaned paragraphs in article order, without the title. */
  paragraphs: string[];
  location: string;
  url?: string;
  /** The key its link dedupes and is remembered as sent under (see articleUrlKey); none for a link that is not http(s). */
  urlKey?: string;
  byline?: string;
  publishedAt?: string;
  language?: string;
}

/** An article with the key points chosen for the edition. */
export interface ArticleDigest {
  id: string;
  title: string;
  keyPoints: string[];
  url?: string;
  /** See Article.urlKey. */
  urlKey?: string;
  location: string;
}

/** A source or article that could not be used, with the reason; it is reported, not fatal. */
export interface ArticleProblem {
  location: string;
  reason: string;
}
