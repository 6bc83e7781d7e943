/** What an extractor is asked for and answers; the extractors themselves are adapters (adapters/keypoints/). */

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
}
