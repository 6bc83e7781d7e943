import type { Article } from '../article.js';
import type { KeyPointResult } from '../../ports/key-point-extractor.js';
import { localeOf, splitSentences, tokenize } from './segment.js';

/**
 * The embedded key-point extractor: deterministic, offline, no model. It picks whole sentences
 * of the article by how central they are (TF-IDF centroid), how informative (figures, names,
 * quoted terms, the title's words, cue words of an argument) and where they stand, then removes
 * redundancy (MMR). News keeps its strong lead; commentary (many questions to, or words for, the
 * reader) is surveyed zone by zone, so that many points cover the whole argument.
 */

export interface ExtractOptions {
  max: number;
}

/** Work is capped so that a huge article costs the same as a long one. */
const MAX_TEXT_CHARS = 120_000;
const MAX_SENTENCES = 600;

/**
 * Feature weights, chosen on the public samples in ../shared/eval (`npm run eval`). Position only
 * rewards the first few sentences (a news lead, decaying with `LEAD_DECAY` sentences), and less so
 * on commentary; past them, centrality and information decide.
 */
const WEIGHTS = { centrality: 0.6, title: 0.15, info: 0.15, position: 0.5, firstSentence: 0.15, argument: 0.08 } as const;
const LEAD_DECAY = 3;
/** Multipliers for sentences that make weaker key points. */
const PENALTY = {
  question: 0.6,
  quotedQuestion: 0.85,
  figurative: 0.7,
  unresolvedStart: 0.7,
  quoteStart: 0.8,
  bareList: 0.6,
  long: 0.75,
} as const;
/**
 * Share of the writer's own sentences that ask or address the reader, below which an article reads
 * as news and above which as commentary (see `opinionLevel`).
 */
const OPINION_RATE = { news: 0.04, opinion: 0.16 } as const;
/** How much of the position weight an article read as a survey (see `readingOf`) loses. */
const OPINION_POSITION_CUT = 0.7;
/** Survey = spread × (base + opinion × opinion level), at most 1: news gets half the spread of commentary. */
const SURVEY = { base: 0.5, opinion: 1 } as const;
/** Value lost by a candidate in a zone of the article that already has a point. */
const ZONE_PENALTY = 0.15;
/** A sentence longer than this many words (Chinese: characters / 2.5) reads as too long for a point. */
const LONG_SENTENCE = 35;
/** MMR trade-off between a sentence's own score and its similarity to points already chosen. */
const MMR_LAMBDA = 0.7;
/** Above this similarity a candidate says the same as a chosen point and is skipped. */
const DUPLICATE_SIMILARITY = 0.5;
/** Penalty for a point close to one already chosen (closer than total / 2k sentences), scaled by the survey. */
const NEARBY_PENALTY = 0.5;
/** Roughly one key point per this many sentences, within `max`. */
const SENTENCES_PER_POINT = 5;

interface Sentence {
  text: string;
  paragraph: number;
  /** Index among all sentences, in article order. */
  index: number;
}

interface Candidate {
  /** Indices of the (one or two adjacent) sentences it covers. */
  sentences: number[];
  text: string;
  paragraph: number;
  vector: Map<string, number>;
  score: number;
}

/**
 * Chooses up to `options.max` key points: whole sentences of the article, in article order.
 * Never throws; an article with nothing to extract gives `{ keyPoints: [], reason }`. A one-sentence
 * article gives that sentence when it is a real sentence (long enough, ends like one).
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

function extract(article: Pick<Article, 'title' | 'paragraphs' | 'language'>, options: ExtractOptions): KeyPointResult {
  const max = Number.isFinite(options.max) ? Math.floor(options.max) : 0;
  if (max < 1) return { keyPoints: [], reason: 'no key points were asked for (max < 1)' };
  const paragraphs = (Array.isArray(article.paragraphs) ? article.paragraphs : []).filter(
    (p): p is string => typeof p === 'string' && p.trim() !== '',
  );
  if (paragraphs.length === 0) return { keyPoints: [], reason: 'the article has no text' };
  if (looksBinary(paragraphs)) return { keyPoints: [], reason: 'the article text looks like binary data' };

  const locale = localeOf(article.language ?? guessLanguage(paragraphs));
  const title = typeof article.title === 'string' ? article.title : '';
  const sentences = collectSentences(capText(paragraphs), locale);
  const usable = sentences.filter((s) => isSentenceLike(s.text, locale) && !repeatsTitle(s.text, title));
  if (usable.length === 0) return { keyPoints: [], reason: 'the article has no complete sentence to use as a key point' };
  if (usable.length === 1) return { keyPoints: [usable[0]!.text] };

  const k = Math.min(max, usable.length, Math.max(3, Math.round(sentences.length / SENTENCES_PER_POINT)));
  const reading = readingOf(sentences, k, locale);
  const candidates = buildCandidates(sentences, usable, title, locale, reading);
  const chosen = selectPoints(candidates, k, zonesOf(sentences, k), reading);
  chosen.sort((a, b) => a.sentences[0]! - b.sentences[0]!);
  return { keyPoints: chosen.map((c) => c.text) };
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

function guessLanguage(paragraphs: readonly string[]): string {
  const sample = paragraphs.join('').slice(0, 2000);
  const han = (sample.match(/\p{Script=Han}/gu) ?? []).length;
  return han * 5 >= sample.length ? 'zh' : 'en';
}

/** Keeps whole paragraphs spread evenly over a huge article, up to the text budget. */
function capText(paragraphs: readonly string[]): { text: string; index: number }[] {
  const all = paragraphs.map((text, index) => ({ text, index }));
  const total = paragraphs.reduce((n, p) => n + p.length, 0);
  if (total <= MAX_TEXT_CHARS) return all;
  const keepEvery = total / MAX_TEXT_CHARS;
  const kept: { text: string; index: number }[] = [];
  let budget = 0;
  for (const p of all) {
    budget += 1 / keepEvery;
    if (budget >= 1 || p.index === 0) {
      budget = Math.max(0, budget - 1);
      kept.push({ text: p.text.length > MAX_TEXT_CHARS / 10 ? p.text.slice(0, MAX_TEXT_CHARS / 10) : p.text, index: p.index });
    }
  }
  return kept;
}

function collectSentences(paragraphs: readonly { text: string; index: number }[], locale: string): Sentence[] {
  const sentences: Sentence[] = [];
  for (const p of paragraphs) {
    for (const text of splitSentences(p.text, locale)) sentences.push({ text, paragraph: p.index, index: sentences.length });
  }
  if (sentences.length <= MAX_SENTENCES) return sentences;
  const step = sentences.length / MAX_SENTENCES;
  return Array.from({ length: MAX_SENTENCES }, (_, i) => sentences[Math.floor(i * step)]!).map((s, index) => ({ ...s, index }));
}

function isHanText(text: string): boolean {
  return (text.match(/\p{Script=Han}/gu) ?? []).length * 3 >= text.length;
}

/** Length in "words": Han characters count one third, since a Chinese word is about two to three characters. */
function lengthOf(text: string): number {
  if (isHanText(text)) return Array.from(text.replace(/[\s\p{P}]/gu, '')).length / 2.5;
  return text.split(/\s+/).filter(Boolean).length;
}

/** A key point must read as a sentence: long enough, ending like one, not a heading or a caption. */
function isSentenceLike(text: string, _locale: string): boolean {
  if (text.includes('\uFFFD')) return false;
  if (lengthOf(text) < 4) return false;
  if (/[:：]$/u.test(text)) return false;
  return /[.!?。！？…;；][”’"'」』)）]*$/u.test(text) || /[”"」』]$/u.test(text);
}

function comparable(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
}

function repeatsTitle(sentence: string, title: string): boolean {
  const t = comparable(title);
  if (t.length === 0) return false;
  return t.includes(comparable(sentence));
}

/** Openings that point back at something the reader has not seen when the sentence stands alone. */
const UNRESOLVED_START_EN =
  /^["“]?(?:they|them|their|this|these|those|that|he|she|his|her|it|its|there|such|both|but|and|so|also|however|instead|meanwhile|still|yet|then)\b/i;
const UNRESOLVED_START_ZH = /^[“「"]?(?:他們|他们|她們|她们|他|她|它|這|这|那|此|其|該|该|但|而且|而|所以|因此|不過|不过|然而|同時|同时|另外|此外|於是|于是)/u;

function startsWithReference(text: string): boolean {
  return UNRESOLVED_START_EN.test(text) || UNRESOLVED_START_ZH.test(text);
}

function isShort(text: string): boolean {
  return lengthOf(text) < 10;
}

/**
 * Candidates are single sentences, plus a short sentence joined with the next one in its
 * paragraph when that gives context (a lead-in, or a follower opening with "They" / "他們").
 */
function buildCandidates(all: readonly Sentence[], usable: readonly Sentence[], title: string, locale: string, reading: Reading): Candidate[] {
  const usableSet = new Set(usable.map((s) => s.index));
  const tokens = all.map((s) => tokenize(s.text, locale));
  const df = new Map<string, number>();
  for (const list of tokens) for (const t of new Set(list)) df.set(t, (df.get(t) ?? 0) + 1);
  const n = all.length;
  const idf = (t: string): number => Math.log((n + 1) / ((df.get(t) ?? 0) + 0.5));

  const vectorOf = (indices: readonly number[]): Map<string, number> => {
    const tf = new Map<string, number>();
    for (const i of indices) for (const t of tokens[i]!) tf.set(t, (tf.get(t) ?? 0) + 1);
    const v = new Map<string, number>();
    for (const [t, f] of tf) v.set(t, (1 + Math.log(f)) * idf(t));
    return normalise(v);
  };

  const centroid = new Map<string, number>();
  for (let i = 0; i < n; i++) for (const [t, w] of vectorOf([i])) centroid.set(t, (centroid.get(t) ?? 0) + w);
  const unitCentroid = normalise(centroid);
  const titleTokens = new Set(tokenize(title, locale));

  const make = (indices: number[]): Candidate => {
    const text = indices.map((i) => all[i]!.text).join(isHanText(all[indices[0]!]!.text) ? '' : ' ');
    const vector = vectorOf(indices);
    const first = all[indices[0]!]!;
    const score = scoreOf(text, vector, unitCentroid, titleTokens, first, reading);
    return { sentences: indices, text, paragraph: first.paragraph, vector, score };
  };

  const candidates: Candidate[] = [];
  for (const s of usable) candidates.push(make([s.index]));
  for (let i = 0; i + 1 < n; i++) {
    const a = all[i]!;
    const b = all[i + 1]!;
    if (a.paragraph !== b.paragraph || !usableSet.has(i + 1) || startsWithReference(a.text)) continue;
    if (!/[.!?。！？…][”’"'」』)）]*$/u.test(a.text) || /[?？]/u.test(a.text)) continue;
    const leadIn = isShort(a.text);
    const resolves = startsWithReference(b.text) && lengthOf(a.text) < 20;
    if ((leadIn || resolves) && lengthOf(a.text) + lengthOf(b.text) <= 60) candidates.push(make([i, i + 1]));
  }
  return candidates;
}

function normalise(v: Map<string, number>): Map<string, number> {
  let sum = 0;
  for (const w of v.values()) sum += w * w;
  const norm = Math.sqrt(sum) || 1;
  for (const [t, w] of v) v.set(t, w / norm);
  return v;
}

function cosine(a: Map<string, number>, b: Map<string, number>): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let dot = 0;
  for (const [t, w] of small) {
    const other = large.get(t);
    if (other !== undefined) dot += w * other;
  }
  return dot;
}

/** Quoted speech, removed before judging the writer's own voice. */
const QUOTED = /[“「"][^”」"]*[”」"]/gu;
/** The writer talking to the reader (you, we) rather than reporting: a mark of commentary. */
const READER_ADDRESS = /\b(?:[Yy]ou|your|[Ww]e|our)\b|你|您|我們|我们|咱們|咱们/u;

/**
 * How much the article reads as commentary rather than hard news, from 0 (news) to 1: the share
 * of the writer's own sentences (quotes removed) that ask the reader something or address them.
 * News keeps its strong lead; commentary is read for its argument over the whole piece.
 */
function opinionLevel(sentences: readonly Sentence[], locale: string): number {
  const paragraphs = new Map<number, string[]>();
  for (const s of sentences) paragraphs.set(s.paragraph, [...(paragraphs.get(s.paragraph) ?? []), s.text]);
  let marks = 0;
  for (const texts of paragraphs.values()) {
    // Quotes are removed per paragraph, since a quotation often runs over several sentences.
    const own = texts.join(' ').replace(QUOTED, ' ');
    for (const sentence of splitSentences(own, locale)) {
      if (/[?？]/u.test(sentence)) marks += 1;
      else if (READER_ADDRESS.test(sentence)) marks += 0.5;
    }
  }
  const rate = marks / Math.max(1, sentences.length);
  return Math.min(1, Math.max(0, (rate - OPINION_RATE.news) / (OPINION_RATE.opinion - OPINION_RATE.news)));
}

/**
 * How the article is read. `opinion`: 0 for news, 1 for commentary. `spread`: 0 for three points
 * or fewer (the most important, which on news and features alike sit near the top), rising
 * towards 1 as more points are asked for. `survey`: how much the points should cover the whole
 * article rather than its opening, high for many points on commentary.
 */
interface Reading {
  opinion: number;
  spread: number;
  survey: number;
}

function readingOf(sentences: readonly Sentence[], k: number, locale: string): Reading {
  const opinion = opinionLevel(sentences, locale);
  const spread = Math.max(0, (k - 3) / k);
  return { opinion, spread, survey: Math.min(1, spread * (SURVEY.base + SURVEY.opinion * opinion)) };
}

/**
 * Splits the article into `k` contiguous zones of about equal length (in characters), so that the
 * points can cover the whole argument: one strong point per zone is preferred.
 */
function zonesOf(sentences: readonly Sentence[], k: number): number[] {
  const total = sentences.reduce((n, s) => n + s.text.length, 0) || 1;
  const zones: number[] = [];
  let before = 0;
  for (const s of sentences) {
    zones.push(Math.min(k - 1, Math.floor(((before + s.text.length / 2) / total) * k)));
    before += s.text.length;
  }
  return zones;
}

/** Words that state a cause, a consequence, a contrast or a definition: the argument, not the colour. */
const ARGUMENT_CUE =
  /因為|因为|所以|因此|導致|导致|後果|后果|原因|意味著|意味着|更關鍵|更关键|關鍵在於|关键在于|本質|本质|問題是|问题是|不僅|不仅|而是|就是在|也就是|所謂|所谓|實際上|实际上|\b(?:because|means|meaning|however|therefore|result(?:ed|s)? in|led to|caused?|the key|the reason|is that)\b/iu;
/** Similes and sayings: a picture of the point rather than the point. */
const FIGURATIVE = /好比|就像|就好像|彷彿|仿佛|如同|猶如|犹如|好像|古話說|古话说|俗話說|俗话说|\b(?:as if|as though|like a)\b/iu;

function scoreOf(
  text: string,
  vector: Map<string, number>,
  centroid: Map<string, number>,
  titleTokens: ReadonlySet<string>,
  first: Sentence,
  reading: Reading,
): number {
  const centrality = cosine(vector, centroid);
  let shared = 0;
  for (const t of titleTokens) if (vector.has(t)) shared++;
  const title = titleTokens.size > 0 ? shared / titleTokens.size : 0;

  const figures = (text.match(/\d+(?:[.,]\d+)*\s*(?:%|percent|億|亿|萬|万|千|百|million|billion|名|人|年|月|日)?/giu) ?? []).length;
  const names = isHanText(text)
    ? (text.match(/[A-Za-z][A-Za-z0-9-]{1,}/g) ?? []).length
    : (text.slice(1).match(/(?<![.!?]\s)\b[A-Z][a-z]+/g) ?? []).length;
  const quoted = (text.match(/[“「"][^”」"]{1,12}[”」"]/gu) ?? []).length;
  const info = Math.min(1, 0.25 * Math.min(figures, 3) + 0.1 * Math.min(names, 4) + 0.1 * Math.min(quoted, 2));

  // Commentary does not put its news in the first sentences, so position counts less there.
  const position = Math.exp(-first.index / LEAD_DECAY) * (1 - OPINION_POSITION_CUT * reading.survey);
  const lead = first.index === 0 ? WEIGHTS.firstSentence * (1 - reading.opinion) : 0;
  const argument = ARGUMENT_CUE.test(text.replace(QUOTED, '')) ? WEIGHTS.argument * (0.5 + 0.5 * reading.opinion) : 0;

  let score =
    WEIGHTS.centrality * centrality + WEIGHTS.title * title + WEIGHTS.info * info + WEIGHTS.position * position + lead + argument;
  const words = lengthOf(text);
  if (words < 8) score *= 0.5;
  else if (words < 12) score *= 0.8;
  else if (words > LONG_SENTENCE) score *= PENALTY.long;
  // Quotes are colour; the reporter's own sentences carry the facts.
  if (/^["“「]/u.test(text)) score *= PENALTY.quoteStart;
  // A bare list of names (A、B、C,以及D。) says who, not what happened.
  if ((text.match(/、/gu) ?? []).length >= 3 && !/[,，]/u.test(text.replace(/[,，][^,，]*$/u, ''))) score *= PENALTY.bareList;
  if (/[?？]/u.test(text.replace(QUOTED, ''))) score *= PENALTY.question;
  else if (/[?？]/u.test(text)) score *= PENALTY.quotedQuestion;
  if (FIGURATIVE.test(text) && figures === 0 && names === 0) score *= PENALTY.figurative;
  if (startsWithReference(text)) score *= PENALTY.unresolvedStart;
  return score;
}

/**
 * Greedy MMR over candidates, never overlapping two. Points are spread over the article: a
 * candidate close to a chosen point, or in a zone that already has one, loses value. The spread
 * grows with the number of points (three points are the most important; eight should cover the
 * whole article) and with how much the article reads as commentary.
 */
function selectPoints(candidates: readonly Candidate[], k: number, zones: readonly number[], reading: Reading): Candidate[] {
  const total = zones.length;
  const best = Math.max(...candidates.map((c) => c.score), 1e-9);
  const nearby = NEARBY_PENALTY * reading.survey;
  const zoneTaken = ZONE_PENALTY * reading.survey;
  const chosen: Candidate[] = [];
  const used = new Set<number>();
  const covered = new Set<number>();
  while (chosen.length < k) {
    let pick: Candidate | undefined;
    let pickValue = -Infinity;
    for (const c of candidates) {
      if (c.sentences.some((i) => used.has(i))) continue;
      let similarity = 0;
      for (const s of chosen) similarity = Math.max(similarity, cosine(c.vector, s.vector));
      if (similarity > DUPLICATE_SIMILARITY) continue;
      const crowded = chosen.some((s) => Math.abs(s.sentences[0]! - c.sentences[0]!) * 2 * k < total) ? nearby : 0;
      const zone = covered.has(zones[c.sentences[0]!]!) ? zoneTaken : 0;
      const value = MMR_LAMBDA * (c.score / best) - (1 - MMR_LAMBDA) * similarity - crowded - zone;
      if (value > pickValue) {
        pickValue = value;
        pick = c;
      }
    }
    if (!pick) break;
    chosen.push(pick);
    for (const i of pick.sentences) used.add(i);
    covered.add(zones[pick.sentences[0]!]!);
  }
  return chosen;
}
