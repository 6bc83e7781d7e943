/**
 * Answers of a language-model extractor, kept per article so that a re-run or a resumed edition
 * never pays for the same answer twice. The key is a hash of the article's text, the model and the
 * prompt version (`llm-key-point-extractor.ts`); the table on AWS, the local table under
 * `.newsletter/` on one machine.
 */
export interface CachedKeyPoints {
  title?: string;
  keyPoints: string[];
  dropped: number;
}

export interface KeyPointCache {
  get(key: string): Promise<CachedKeyPoints | undefined>;
  put(key: string, answer: CachedKeyPoints): Promise<void>;
}
