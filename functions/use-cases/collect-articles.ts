import type { ArticleDigest, ArticleProblem, Article } from '../core/article.js';
import { cleanArticle, type ScriptConversion } from '../core/articles/clean.js';
import { articleUrlKey, dedupeArticles } from '../core/articles/dedupe.js';
import { withRepeatedSiteNames } from '../core/articles/site-names.js';
import type { ArticleSource } from '../ports/article-source.js';
import type { EditionStore } from '../ports/edition-store.js';
import type { KeyPointExtractor } from '../ports/key-point-extractor.js';

export interface CollectedArticles {
  /** Articles for the edition, with key points, in source order. */
  digests: ArticleDigest[];
  /** Articles seen but already sent in an earlier edition. */
  alreadySent: number;
  /** Sources and articles that could not be used, each with the reason. */
  problems: ArticleProblem[];
  /** The sources that did not answer at all (see SourceCollection.failed), by description. */
  failedSources: string[];
  /** With a language-model extractor: what it did over the edition's articles. */
  keyPointReport?: KeyPointReport;
}

/** A language-model extractor over one edition: answers from the endpoint or the cache, points dropped, articles that fell back. */
export interface KeyPointReport {
  extractor: string;
  articles: number;
  cached: number;
  /** Points that stated a figure or name the article does not (each replaced from the embedded extractor). */
  dropped: number;
  /** Articles whose points all came from the embedded extractor, each with the reason. */
  fallbacks: ArticleProblem[];
}

/** The keys under which an article is remembered as sent: its content hash and its link's key (see articleUrlKey). */
export function sentKeys(article: Pick<Article, 'id' | 'urlKey'>): string[] {
  return article.urlKey ? [article.id, article.urlKey] : [article.id];
}

/**
 * Collects the articles that are new since the last edition: reads every source, cleans each
 * article, drops duplicates and what earlier editions already carried, and extracts key points.
 * One broken source or article becomes a problem in the report; it never stops the edition.
 */
export async function collectArticles(input: {
  newsletterId: string;
  sources: ArticleSource[];
  extractor: KeyPointExtractor;
  /** Only asked which articles went out before; without it every article counts as new (a preview). */
  editions?: Pick<EditionStore, 'sentArticleKeys'>;
  maxKeyPoints: number;
  maxArticles: number;
  /** Include articles sent before (a forced re-send). */
  includeSent?: boolean;
  /** The edition's script, applied to each cleaned article before its key points are chosen. */
  script?: ScriptConversion | undefined;
}): Promise<CollectedArticles> {
  const problems: ArticleProblem[] = [];
  const failedSources: string[] = [];
  const cleaned: Article[] = [];
  for (const source of input.sources) {
    let collection: Awaited<ReturnType<ArticleSource['collect']>>;
    try {
      collection = await source.collect();
    } catch (error) {
      problems.push({ location: source.description, reason: `could not be read: ${(error as Error).message}` });
      failedSources.push(source.description);
      continue;
    }
    problems.push(...collection.problems);
    if (collection.failed) failedSources.push(source.description);
    for (const raw of withRepeatedSiteNames(collection.articles)) {
      // A fault in one article (hostile input, a bug) is that article's problem, never the edition's.
      let result: ReturnType<typeof cleanArticle>;
      try {
        result = cleanArticle(raw, { script: input.script });
      } catch (error) {
        result = { ok: false, reason: `${raw.location}: the article could not be cleaned (${(error as Error).message})` };
      }
      if (!result.ok) {
        problems.push({ location: raw.location, reason: result.reason });
        continue;
      }
      const urlKey = articleUrlKey(raw, source.description);
      cleaned.push(urlKey ? { ...result.article, urlKey } : result.article);
    }
  }

  const { unique } = dedupeArticles(cleaned);
  const sent = input.includeSent || !input.editions ? new Set<string>() : await input.editions.sentArticleKeys(input.newsletterId, unique.flatMap(sentKeys));
  const fresh = unique.filter((article) => !sentKeys(article).some((key) => sent.has(key)));

  const digests: ArticleDigest[] = [];
  let keyPointReport: KeyPointReport | undefined;
  for (const article of fresh) {
    if (digests.length >= input.maxArticles) {
      problems.push({ location: article.location, reason: `left for the next edition: this one already has ${input.maxArticles} articles (maxArticles)` });
      continue;
    }
    let result: Awaited<ReturnType<KeyPointExtractor['extract']>>;
    try {
      result = await input.extractor.extract(article, { max: input.maxKeyPoints });
    } catch (error) {
      problems.push({ location: article.location, reason: `no key points: the extractor failed on this article (${(error as Error).message})` });
      continue;
    }
    if (result.keyPoints.length === 0) {
      problems.push({ location: article.location, reason: `no key points: ${result.reason ?? 'the extractor found no sentences'}` });
      continue;
    }
    if (result.llm) {
      keyPointReport ??= { extractor: input.extractor.name, articles: 0, cached: 0, dropped: 0, fallbacks: [] };
      keyPointReport.articles += 1;
      if (result.llm.cached) keyPointReport.cached += 1;
      keyPointReport.dropped += result.llm.dropped;
      if (result.llm.fallback) keyPointReport.fallbacks.push({ location: article.location, reason: result.llm.fallback });
    }
    digests.push({
      id: article.id,
      title: result.title ?? article.title,
      keyPoints: result.keyPoints,
      location: article.location,
      ...(article.url ? { url: article.url } : {}),
      ...(article.urlKey ? { urlKey: article.urlKey } : {}),
    });
  }
  return { digests, alreadySent: unique.length - fresh.length, problems, failedSources, ...(keyPointReport ? { keyPointReport } : {}) };
}
