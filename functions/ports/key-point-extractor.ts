import type { Article } from '../core/article.js';
import type { KeyPointOptions, KeyPointResult } from '../core/key-points/key-points.js';

export type { KeyPointOptions, KeyPointResult } from '../core/key-points/key-points.js';

/** Chooses an article's key points. The embedded extractor is deterministic and offline. */
export interface KeyPointExtractor {
  readonly name: string;
  extract(article: Pick<Article, 'title' | 'paragraphs' | 'language'>, options: KeyPointOptions): Promise<KeyPointResult>;
}
