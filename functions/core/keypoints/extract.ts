import type { Article } from '../article.js';
import type { KeyPointResult } from './key-points.js';
import { cosine, FEATURE_NAMES, QUOTED, readArticle, startsWithReference, type ArticleReading } from './features.js';
import { keyPointModel, type LanguageModel } from './model.js';

/**
 * The embedded key-point extractor: deterministic, offline, no download. Each sentence is scored
 * by a logistic regression fitted on the train split of a news corpus (`npm run train`, weights in
 * `model.ts`) over features of position, length, centrality, title overlap, figures, names, quotes
 * and cue words. The number of points follows the article's length, as fitted on the same corpus;
 * redundant points are skipped, and commentary (which does not put its news first) is surveyed
 * zone by zone so that its points cover the whole argument.
 */

export interface ExtractOptions {
  /** Upper bound on the number of points. */
  max: number;
  /** Exactly this many points where the article has that many usable sentences (overrides the fitted number). */
  count?: number;
}

/** Above this similarity a candidate says the same as a chosen point and is skipped. */
const DUPLICATE_SIMILARITY = 0.5;
/**
 * Commentary only: value lost by a candidate in a zone of the article that already has a point, so
 * that the points follow the argument rather than crowd its opening. News (opinion 0) is untouched.
 */
const ZONE_PENALTY = 2;

/**
 * Chooses key points: whole sentences of the article, in article order, as many as the fitted
 * length model suggests (at most `options.max`), or exactly `options.count` when given.
 * Never throws; an article with nothing to extract gives `{ keyPoints: [], reason }`.
 *
 * @example
 * const { keyPoints } = extractKeyPoints({ title: 'Bridge collapse', paragraphs, language: 'en' }, { max: 3 });
 */
export function extractKeyPoints(article: Pick<Article, 'title' | 'paragraphs' | 'language'>, options: ExtractOptions): KeyPointResult {
  try {
    return extract(article, options);
  } catch (error) {
    return { keyPoints: [], reason: `key-point extraction failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/**
 * Commentary: one point per this many usable sentences. The corpus is news only (no commentary
 * with reference points), so this share is set by hand, on the sample article's argument.
 */
const COMMENTARY_SENTENCES_PER_POINT = 8;

/**
 * How many points an article with `usable` usable sentences gets: the line fitted on the corpus's
 * reference counts for news, moving towards one point per `COMMENTARY_SENTENCES_PER_POINT`
 * sentences as the article reads as commentary (`opinion` 0..1).
 */
export function fittedCount(usable: number, opinion = 0): number {
  const { intercept, slope } = keyPointModel.count;
  const news = intercept + slope * Math.log(Math.max(1, usable));
  return Math.max(1, Math.round(news + opinion * Math.max(0, usable / COMMENTARY_SENTENCES_PER_POINT - news)));
}

/**
 * Position features: what the model learned about them holds for news, whose lead carries the
 * facts. Commentary does not put its argument first, so on commentary they are moved towards
 * their mean (no effect) in proportion to the opinion level.
 */
const POSITION_FEATURES = new Set(
  ['first sentence', 'second sentence', 'third sentence', 'lead decay exp(-i/3)', 'relative position i/n', 'in first paragraph', 'commentary × lead decay', 'similarity to first sentence'].map(
    (name) => FEATURE_NAMES.indexOf(name as (typeof FEATURE_NAMES)[number]),
  ),
);

/** Sentence scores (log-odds of being a key point) under the language's model. */
export function scoreSentences(reading: ArticleReading): number[] {
  const model: LanguageModel = reading.locale.startsWith('zh') && !isCommentary(reading) ? keyPointModel.zh : keyPointModel.en;
  const newsShare = isCommentary(reading) ? 1 - reading.opinion : 1;
  return reading.features.map((x) => {
    let z = model.bias;
    for (let j = 0; j < x.length; j++) {
      const centred = x[j]! - model.mean[j]!;
      z += (model.weights[j]! * (POSITION_FEATURES.has(j) ? newsShare * centred : centred)) / model.scale[j]!;
    }
    return z;
  });
}

/**
 * Commentary: the writer asks and addresses the reader often (opinion level at least COMMENTARY_OPINION; 0.5 cost dev ROUGE on news that quotes questions). The
 * corpus is news, so what the model learned about position, the one-line Chinese headlines and the
 * fitted count are for news; commentary is read for its argument over the whole piece: position
 * neutralised, the model learned from multi-sentence references (English), one point per zone.
 * Dev (`npm run eval`) chose to keep news untouched by these rules.
 */
const COMMENTARY_OPINION = 0.9;
function isCommentary(reading: ArticleReading): boolean {
  return reading.opinion >= COMMENTARY_OPINION;
}

/** A question the writer asks (not one quoted): it raises a point rather than making one. */
function asksQuestion(text: string): boolean {
  return /[?？]/u.test(text.replace(QUOTED, ''));
}

function extract(article: Pick<Article, 'title' | 'paragraphs' | 'language'>, options: ExtractOptions): KeyPointResult {
  const max = Number.isFinite(options.max) ? Math.floor(options.max) : 0;
  const count = options.count !== undefined && Number.isFinite(options.count) ? Math.floor(options.count) : undefined;
  if (max < 1 && count === undefined) return { keyPoints: [], reason: 'no key points were asked for (max < 1)' };
  if (count !== undefined && count < 1) return { keyPoints: [], reason: 'no key points were asked for (count < 1)' };
  const paragraphs = (Array.isArray(article.paragraphs) ? article.paragraphs : []).filter(
    (p): p is string => typeof p === 'string' && p.trim() !== '',
  );
  if (paragraphs.length === 0) return { keyPoints: [], reason: 'the article has no text' };
  if (looksBinary(paragraphs)) return { keyPoints: [], reason: 'the article text looks like binary data' };

  const reading = readArticle({ ...article, paragraphs });
  const { usable, sentences } = reading;
  if (usable.length === 0) return { keyPoints: [], reason: 'the article has no complete sentence to use as a key point' };
  if (usable.length === 1) return { keyPoints: [sentences[usable[0]!]!.text] };

  const k = Math.min(usable.length, count ?? Math.min(max, fittedCount(usable.length, isCommentary(reading) ? reading.opinion : 0)));
  const scores = scoreSentences(reading);
  const chosen = selectPoints(reading, scores, k);
  return { keyPoints: chosen.sort((a, b) => a - b).map((i) => sentences[i]!.text) };
}

function looksBinary(paragraphs: readonly string[]): boolean {
  const sample = paragraphs.join('\n').slice(0, 16_384);
  let bad = 0;
  for (let i = 0; i < sample.length; i++) {
    const code = sample.charCodeAt(i);
    if (code === 0) return true;
    if ((code < 32 && code !== 9 && code !== 10 && code !== 13) || code === 0xfffd) bad++;
  }
  return bad / sample.length > 0.02;
}

/** Zone of each sentence when the article is cut into `k` parts of about equal length. */
function zonesOf(reading: ArticleReading, k: number): number[] {
  const total = reading.sentences.reduce((n, s) => n + s.text.length, 0) || 1;
  const zones: number[] = [];
  let before = 0;
  for (const s of reading.sentences) {
    zones.push(Math.min(k - 1, Math.floor(((before + s.text.length / 2) / total) * k)));
    before += s.text.length;
  }
  return zones;
}

/**
 * Greedy by score, skipping a sentence that repeats a chosen point. Scores are turned into
 * probabilities so that the commentary zone penalty is on a fixed scale.
 */
function selectPoints(reading: ArticleReading, scores: readonly number[], k: number): number[] {
  const zones = zonesOf(reading, k);
  const zonePenalty = isCommentary(reading) ? ZONE_PENALTY : 0;
  const probability = scores.map((z) => 1 / (1 + Math.exp(-z)));
  const best = Math.max(...reading.usable.map((i) => probability[i]!), 1e-9);
  // On commentary, no rhetorical question and no sentence that opens by pointing back ("他們…",
  // "This…"), unless there are not enough others. (On news, dev preferred leaving them to the model.)
  const standsAlone = (text: string): boolean => !isCommentary(reading) || (!asksQuestion(text) && !startsWithReference(text));
  const statements = reading.usable.filter((i) => standsAlone(reading.sentences[i]!.text));
  const pool = statements.length >= k ? statements : reading.usable;
  const chosen: number[] = [];
  const covered = new Set<number>();
  while (chosen.length < k) {
    let pick = -1;
    let pickValue = -Infinity;
    for (const i of pool) {
      if (chosen.includes(i)) continue;
      if (chosen.some((c) => cosine(reading.vectors[i]!, reading.vectors[c]!) > DUPLICATE_SIMILARITY)) continue;
      const value = probability[i]! / best - (covered.has(zones[i]!) ? zonePenalty : 0);
      if (value > pickValue) {
        pickValue = value;
        pick = i;
      }
    }
    if (pick < 0) break;
    chosen.push(pick);
    covered.add(zones[pick]!);
  }
  return chosen;
}
