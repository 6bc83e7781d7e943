import type { Article } from '../article.js';
import type { KeyPointResult } from './key-points.js';
import { cosine, FEATURE_NAMES, lengthOf, readArticle, withoutQuotes, type ArticleReading } from './features.js';
import { keyPointModel, type LanguageModel } from './model.js';
import { POINT_COUNT, pointsFor } from './point-count.js';
import { carriesFacts, closingStart, leansOnBefore, pointsBack, steers, topicZones } from './commentary.js';
import { isNotNews, opensWithAnaphor, pointCandidates } from './candidates.js';

/**
 * The embedded key-point extractor: deterministic, offline, no download. Each sentence is scored
 * by a logistic regression fitted on the train split of a news corpus (`npm run train`, weights in
 * `model.ts`) over features of position, length, centrality, title overlap, figures, names, quotes
 * and cue words. The number of points follows the article's length, as fitted on the same corpus;
 * redundant points are skipped, and a news sentence that opens with a pronoun gives way to one a
 * little less likely. Commentary (which does not put its news first) is read by topical zones
 * (`commentary.ts`) so that its points cover the whole argument.
 */

export interface ExtractOptions {
  /** Upper bound on the number of points. */
  max: number;
  /** Exactly this many points where the article has that many usable sentences (overrides the fitted number). */
  count?: number;
  /** Selection settings, for choosing them on dev (`scripts/eval`); the defaults are the chosen ones. */
  selection?: Partial<SelectionSettings>;
}

/** How news points are chosen among the candidates (see `selectPoints`). */
export interface SelectionSettings {
  /** Value (share of the best sentence's) lost by a point that opens by leaning on the sentence before. */
  anaphorPenalty: number;
  /** MMR: value lost per unit of similarity to the most similar point already chosen. */
  redundancyPenalty: number;
  /**
   * Chinese: value a second or later point loses per 50 characters (the first point is the best
   * sentence whatever its length). Chinese sentences run long (60 to 90 characters in a Taiwanese
   * report) against a one-line headline of about 20, so further points should be concise.
   */
  lengthPenalty: number;
}

/**
 * Chosen on dev (see docs/key-points.md): the anaphor penalty among 0.1 (the pronoun rule before), 0.15,
 * 0.2 and 0.3; the redundancy weight among 0, 0.1, 0.2 and 0.3; the Chinese length cost among 0, 0.5,
 * 0.8, 1.2, 1.6 and 2.5, capped at 1.2 (beyond it length outweighs the whole range of the model's
 * value, so a point would be chosen for being short rather than for what it says).
 */
const SELECTION: SelectionSettings = { anaphorPenalty: 0.1, redundancyPenalty: 0.3, lengthPenalty: 1.2 };

/** Above this similarity a candidate says the same as a chosen point and is skipped. */
const DUPLICATE_SIMILARITY = 0.5;

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
 * How many points an article gets: for news, the line fitted on the corpus's reference counts
 * against the article's length (`point-count.ts`: ln(words), chosen on dev), moving towards one
 * point per `COMMENTARY_SENTENCES_PER_POINT` sentences as the article reads as commentary
 * (`opinion` 0..1).
 */
export function fittedCount(size: { words: number; usable: number }, opinion = 0): number {
  const news = pointsFor(POINT_COUNT, size, false);
  return Math.max(1, Math.round(news + opinion * Math.max(0, size.usable / COMMENTARY_SENTENCES_PER_POINT - news)));
}

/**
 * Position features: what the model learned about them holds for news, whose lead carries the
 * facts. Commentary does not put its argument first, so on commentary they are moved towards
 * their mean (no effect) in proportion to the opinion level.
 */
const POSITION_FEATURES = new Set(
  [
    'first sentence',
    'second sentence',
    'third sentence',
    'lead decay exp(-i/3)',
    'relative position i/n',
    'in first paragraph',
    'commentary × lead decay',
    'similarity to first sentence',
  ].map((name) => FEATURE_NAMES.indexOf(name as (typeof FEATURE_NAMES)[number])),
);

/** Sentence scores (log-odds of being a key point) under the language's model. */
function scoreSentences(reading: ArticleReading): number[] {
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
 * neutralised, the model learned from multi-sentence references (English), points chosen per
 * topical zone (`selectCommentaryPoints`). News is untouched by these rules.
 */
const COMMENTARY_OPINION = 0.9;
function isCommentary(reading: ArticleReading): boolean {
  return reading.opinion >= COMMENTARY_OPINION;
}

function extract(article: Pick<Article, 'title' | 'paragraphs' | 'language'>, options: ExtractOptions): KeyPointResult {
  const max = Number.isFinite(options.max) ? Math.floor(options.max) : 0;
  const count = options.count !== undefined && Number.isFinite(options.count) ? Math.floor(options.count) : undefined;
  if (max < 1 && count === undefined) return { keyPoints: [], reason: 'no key points were asked for (max < 1)' };
  if (count !== undefined && count < 1) return { keyPoints: [], reason: 'no key points were asked for (count < 1)' };
  const paragraphs = (Array.isArray(article.paragraphs) ? article.paragraphs : []).filter((p): p is string => typeof p === 'string' && p.trim() !== '');
  if (paragraphs.length === 0) return { keyPoints: [], reason: 'the article has no text' };
  if (looksBinary(paragraphs)) return { keyPoints: [], reason: 'the article text looks like binary data' };

  const reading = readArticle({ ...article, paragraphs });
  const { usable, sentences } = reading;
  if (usable.length === 0) return { keyPoints: [], reason: 'the article has no complete sentence to use as a key point' };
  if (usable.length === 1) return { keyPoints: [sentences[usable[0]!]!.text] };

  const words = paragraphs.reduce((n, p) => n + lengthOf(p), 0);
  const k = Math.min(usable.length, count ?? Math.min(max, fittedCount({ words, usable: usable.length }, isCommentary(reading) ? reading.opinion : 0)));
  const scores = scoreSentences(reading);
  if (isCommentary(reading)) {
    const units = selectCommentaryPoints(reading, scores, k);
    return { keyPoints: units.sort((a, b) => a[0]! - b[0]!).map((unit) => unitText(reading, paragraphs, unit)) };
  }
  const chosen = selectPoints(reading, scores, k, { ...SELECTION, ...options.selection });
  return { keyPoints: chosen.sort((a, b) => a[0]! - b[0]!).map((unit) => unitText(reading, paragraphs, unit)) };
}

/** The text of consecutive sentences of one paragraph, exactly as the paragraph has it. */
function unitText(reading: ArticleReading, paragraphs: readonly string[], unit: readonly number[]): string {
  const texts = unit.map((i) => reading.sentences[i]!.text);
  if (texts.length === 1) return texts[0]!;
  const paragraph = paragraphs[reading.sentences[unit[0]!]!.paragraph] ?? '';
  const from = paragraph.indexOf(texts[0]!);
  const last = texts[texts.length - 1]!;
  const to = from < 0 ? -1 : paragraph.indexOf(last, from + texts[0]!.length);
  return from >= 0 && to >= 0 ? paragraph.slice(from, to + last.length) : texts.join(reading.locale.startsWith('zh') ? '' : ' ');
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

/**
 * News: greedy by value, MMR-style. A candidate's value is its probability as a share of the best
 * sentence's, less `anaphorPenalty` when it opens by leaning on the sentence before ("The rest of
 * the money…", "It also said…", "他表示…"), so it yields to a nearly as good self-contained one, and
 * less `redundancyPenalty` times its similarity to the closest point already chosen, so the points
 * cover the article rather than repeat its lead; in Chinese, a point after the first also loses
 * `lengthPenalty` per 50 characters. A candidate that says the same as a chosen point
 * (similarity above DUPLICATE_SIMILARITY) is skipped. Candidates are single sentences or a short
 * quotation that runs over two or three (`pointCandidates`).
 */
function selectPoints(reading: ArticleReading, scores: readonly number[], k: number, settings: SelectionSettings): number[][] {
  const probability = scores.map((z) => 1 / (1 + Math.exp(-z)));
  const best = Math.max(...reading.usable.map((i) => probability[i]!), 1e-9);
  let candidates = pointCandidates(reading);
  // An article made only of quotations or notes still gets its points from its sentences.
  if (candidates.length === 0) candidates = reading.usable.filter((i) => !isNotNews(reading.sentences[i]!.text)).map((i) => ({ unit: [i] }));
  const similarity = (a: readonly number[], b: readonly number[]): number => {
    let most = 0;
    for (const i of a) for (const j of b) most = Math.max(most, i === j ? 1 : cosine(reading.vectors[i]!, reading.vectors[j]!));
    return most;
  };
  const zh = reading.locale.startsWith('zh');
  const lengthCost = candidates.map(({ unit }) =>
    zh ? (settings.lengthPenalty * unit.reduce((n, i) => n + hanLength(reading.sentences[i]!.text), 0)) / 50 : 0,
  );
  const base = candidates.map(({ unit }) => {
    const value = Math.max(...unit.map((i) => probability[i]!)) / best;
    return value - (opensWithAnaphor(reading.sentences[unit[0]!]!.text) ? settings.anaphorPenalty : 0);
  });
  const chosen: number[][] = [];
  const taken = new Set<number>();
  while (chosen.length < k) {
    let pick = -1;
    let pickValue = -Infinity;
    candidates.forEach(({ unit }, c) => {
      if (taken.has(c)) return;
      const closest = chosen.length === 0 ? 0 : Math.max(...chosen.map((o) => similarity(unit, o)));
      if (closest > DUPLICATE_SIMILARITY) return;
      const value = base[c]! - settings.redundancyPenalty * closest - (chosen.length > 0 ? lengthCost[c]! : 0);
      if (value > pickValue) {
        pickValue = value;
        pick = c;
      }
    });
    if (pick < 0) break;
    taken.add(pick);
    chosen.push(candidates[pick]!.unit);
  }
  return chosen;
}

/** Characters of a Chinese sentence, punctuation, symbols and spaces not counted. */
function hanLength(text: string): number {
  return Array.from(text.replace(/[\s\p{P}\p{S}]/gu, '')).length;
}

/** Commentary: a joined point (a sentence with the one it points back to) is at most this many words. */
const MAX_JOINED_WORDS = 60;
/**
 * Commentary: topical zones per point. Hand-set and chosen on dev among 1, 1.5 and 2 (the corpus has
 * no commentary with references; its few articles that read as commentary are the check).
 */
const ZONES_PER_POINT = 2;
/** Commentary: a log-odds cost larger than any score gap, so that a covered zone yields to any other. */
const COVERED_ZONE = 1000;

/**
 * Commentary: the article is cut into topical zones (`topicZones`, twice as many as points), and
 * each point is the most likely sentence (model score, position neutralised) of a zone that has no
 * point yet, best zones first; so the points spread over the argument, and a section dense with
 * ideas can give two. Only sentences that state something are candidates: no question, lead-in or
 * words to the reader (`steers`), nothing from the closing that carries no fact (`closingStart`).
 * A sentence that opens by pointing back ("他們…", "This…") comes with the sentence before it in
 * its paragraph, so that the point can be read alone. Slots left over go to the best remaining
 * candidates; with too few candidates, any usable sentence.
 */
function selectCommentaryPoints(reading: ArticleReading, scores: readonly number[], k: number): number[][] {
  const closing = closingStart(reading);
  // Zones twice as many as points: a section dense with ideas can give two points, a thin one
  // none. The first two zones are one: a commentary's opening recaps the news it comments on, and
  // one point of it is enough (dev chose both: see docs/key-points.md).
  const zones = topicZones(reading, ZONES_PER_POINT * k, closing).map((z) => Math.max(0, z - 1));
  const value = scores;
  const usable = new Set(reading.usable);
  const candidates: { unit: number[]; value: number; zone: number }[] = [];
  for (const i of reading.usable) {
    const text = reading.sentences[i]!.text;
    if (steers(text) || (i >= closing && !carriesFacts(text))) continue;
    if (leansOnBefore(text)) {
      const before = reading.sentences[i - 1]?.text ?? '';
      // The sentence before may be a lead-in (it then frames this one), not a question of the writer.
      if (!pointsBack(reading, i) || !usable.has(i - 1) || leansOnBefore(before) || /[?？]/u.test(withoutQuotes(before))) continue;
      if (lengthOf(before) + lengthOf(text) > MAX_JOINED_WORDS) continue;
      candidates.push({ unit: [i - 1, i], value: Math.max(value[i]!, value[i - 1]!), zone: zones[i]! });
    } else candidates.push({ unit: [i], value: value[i]!, zone: zones[i]! });
  }
  const pool = candidates.length >= k ? candidates : reading.usable.map((i) => ({ unit: [i], value: value[i]!, zone: zones[i]! }));
  const chosen: (typeof pool)[number][] = [];
  const overlaps = (a: readonly number[], b: readonly number[]): boolean =>
    a.some((i) => b.includes(i) || b.some((j) => cosine(reading.vectors[i]!, reading.vectors[j]!) > DUPLICATE_SIMILARITY));
  const covered = new Set<number>();
  while (chosen.length < k) {
    let pick: (typeof pool)[number] | undefined;
    let pickValue = -Infinity;
    for (const c of pool) {
      if (chosen.includes(c) || chosen.some((o) => overlaps(c.unit, o.unit))) continue;
      // A zone that has its point yields to any zone that has none.
      const v = c.value - (covered.has(c.zone) ? COVERED_ZONE : 0);
      if (v > pickValue) {
        pickValue = v;
        pick = c;
      }
    }
    if (!pick) break;
    chosen.push(pick);
    covered.add(pick.zone);
  }
  return chosen.map((c) => c.unit);
}
