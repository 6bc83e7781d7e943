import type { ArticleProblem, RawArticle } from '../core/article.js';

/** What one source yielded: articles it could read and problems with the rest. */
export interface SourceCollection {
  articles: RawArticle[];
  problems: ArticleProblem[];
  /**
   * The source itself did not answer (a missing folder, a feed that is unreachable or refused, every
   * page refused, a bucket that cannot be listed): nothing came from it, its problems say why.
   */
  failed?: boolean;
}

/**
 * A place articles come from (a folder, a feed, web pages, an S3 prefix).
 * A source never throws for one bad article or an unreachable URL: it reports a problem and
 * carries on, so one broken input cannot stop an edition.
 */
export interface ArticleSource {
  /** A short description for reports, such as `folder articles/` or `feed https://…`. */
  readonly description: string;
  collect(): Promise<SourceCollection>;
}
