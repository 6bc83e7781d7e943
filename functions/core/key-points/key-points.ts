/** What an extractor is asked for and answers; the extractors themselves are adapters (adapters/key-points/). */

export interface KeyPointOptions {
  /** Upper bound on the number of key points; the extractor may choose fewer for short articles. */
  max: number;
  /** Exactly this many points where the article has that many usable sentences (overrides the chosen number and `max`). */
  count?: number;
}

/** Key points, or none with the reason why (empty, binary, too short...). Never a throw. */
export interface KeyPointResult {
  keyPoints: string[];
  reason?: string;
  /** A title the extractor wrote (a language model), checked against the article like its points. */
  title?: string;
  /** What a language-model extractor did for this article, for the edition's report. */
  llm?: LlmArticleReport;
}

/** One article's outcome with a language-model extractor. */
interface LlmArticleReport {
  /** Points the model wrote that stated a figure or name the article does not (replaced from the embedded extractor). */
  dropped: number;
  /** The answer came from the cache: the endpoint was not called. */
  cached: boolean;
  /** Why the embedded extractor's points were used for the whole article (timeout, 429, bad JSON, wrong language). */
  fallback?: string;
}
