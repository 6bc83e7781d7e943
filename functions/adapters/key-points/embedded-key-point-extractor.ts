import type { Article } from '../../core/article.js';
import type { KeyPointExtractor, KeyPointOptions, KeyPointResult } from '../../ports/key-point-extractor.js';
import { extractKeyPoints } from '../../core/key-points/extract.js';

/**
 * The default key-point extractor: runs in-process, offline and deterministic, so the same
 * article always gives the same points.
 *
 * @example
 * const extractor = new EmbeddedKeyPointExtractor();
 * const { keyPoints } = await extractor.extract(article, { max: 8 });
 */
export class EmbeddedKeyPointExtractor implements KeyPointExtractor {
  readonly name = 'embedded';

  extract(article: Pick<Article, 'title' | 'paragraphs' | 'language'>, options: KeyPointOptions): Promise<KeyPointResult> {
    return Promise.resolve(extractKeyPoints(article, options));
  }
}
