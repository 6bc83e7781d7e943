import type { Article } from '../article.js';
import { localeOf, splitSentences, tokenize } from './segment.js';

/**
 * The sentences of an article and what the learned model knows about each one. The extractor and
 * the training script (`npm run train`) both go through `readArticle`, so the model is fitted on
 * exactly the features it is later applied to.
 */

/** Work is capped so that a huge article costs the same as a long one. */
const MAX_TEXT_CHARS = 120_000;
const MAX_SENTENCES = 600;
/**
 * The title is compared with every sentence (its text and its words), so only its start is read:
 * a longer title is no headline but junk, and a megabyte of it cost seconds per article.
 */
const MAX_TITLE_CHARS = 2_000;
/** A sentence longer than this many words (Chinese: characters / 2.5) reads as too long for a point. */
const LONG_SENTENCE = 35;
/** Novelty compares a sentence with at most this many sentences before it (the cost stays linear). */
const NOVELTY_WINDOW = 20;

/** Names of the features, in the order of a feature vector (the model file lists them too). */
export const FEATURE_NAMES = [
  'first sentence',
  'second sentence',
  'third sentence',
  'lead decay exp(-i/3)',
  'relative position i/n',
  'first in paragraph',
  'in first paragraph',
  'log words',
  'short (< 8 words)',
  'long (> 35 words)',
  'centrality',
  'centrality rank',
  'title overlap',
  'figures',
  'names',
  'quoted terms',
  'opens with a quote',
  'question',
  'unresolved opening',
  'argument cue',
  'figurative',
  'attribution (said)',
  'commentary × lead decay',
  'similarity to first sentence',
  'time expression',
  'length squared',
  'last in paragraph',
  'novelty',
  'paragraph position',
  'position in paragraph',
  'single-paragraph article × lead decay',
  'keyword share',
  'title precision',
  'title characters',
  'mean idf',
  'news opener',
  'speech opening',
  'han chars < 15',
  'han chars 15-30',
  'han chars 30-50',
  'han chars 50-80',
] as const;

interface Sentence {
  text: string;
  paragraph: number;
  /** Index among all sentences, in article order. */
  index: number;
  /** Index of the sentence within its paragraph. */
  inParagraph: number;
}

export interface ArticleReading {
  locale: string;
  sentences: Sentence[];
  /** Indices of sentences that can stand as a key point. */
  usable: number[];
  /** One feature vector per sentence (FEATURE_NAMES order). */
  features: number[][];
  /** Unit TF-IDF vector per sentence, for redundancy. */
  vectors: Map<string, number>[];
  /** 0 for news, 1 for commentary (see `opinionLevel`). */
  opinion: number;
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
    for (const [inParagraph, text] of splitSentences(p.text, locale).entries())
      sentences.push({ text, paragraph: p.index, index: sentences.length, inParagraph });
  }
  if (sentences.length <= MAX_SENTENCES) return sentences;
  const step = sentences.length / MAX_SENTENCES;
  return Array.from({ length: MAX_SENTENCES }, (_, i) => sentences[Math.floor(i * step)]!).map((s, index) => ({ ...s, index }));
}

function isHanText(text: string): boolean {
  return (text.match(/\p{Script=Han}/gu) ?? []).length * 3 >= text.length;
}

/** Length in "words": Han characters count 1/2.5, since a Chinese word is about two to three characters. */
export function lengthOf(text: string): number {
  if (isHanText(text)) return Array.from(text.replace(/[\s\p{P}]/gu, '')).length / 2.5;
  return text.split(/\s+/).filter(Boolean).length;
}

/** A key point must read as a sentence: long enough, ending like one, not a heading or a caption. */
function isSentenceLike(text: string): boolean {
  if (text.includes('\uFFFD')) return false;
  if (lengthOf(text) < 4) return false;
  if (/[:：]$/u.test(text)) return false;
  return /[.!?。！？…;；][”’"'」』)）]*$/u.test(text) || /[”"」』]$/u.test(text);
}

function comparable(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
}

/** `titleKey` is the title reduced by `comparable`, once for all the sentences. */
function repeatsTitle(sentence: string, titleKey: string): boolean {
  if (titleKey.length === 0) return false;
  return titleKey.includes(comparable(sentence));
}

/** Openings that point back at something the reader has not seen when the sentence stands alone. */
const UNRESOLVED_START_EN =
  /^["“]?(?:they|them|their|this|these|those|that|he|she|his|her|it|its|there|such|both|but|and|so|also|however|instead|meanwhile|still|yet|then)\b/i;
const UNRESOLVED_START_ZH = /^[“「"]?(?:他們|他们|她們|她们|他|她|它|這|这|那|此|其|該|该|但|而且|而|所以|因此|不過|不过|然而|同時|同时|另外|此外|於是|于是)/u;

export function startsWithReference(text: string): boolean {
  return UNRESOLVED_START_EN.test(text) || UNRESOLVED_START_ZH.test(text);
}

export function normalise(v: Map<string, number>): Map<string, number> {
  let sum = 0;
  for (const w of v.values()) sum += w * w;
  const norm = Math.sqrt(sum) || 1;
  for (const [t, w] of v) v.set(t, w / norm);
  return v;
}

export function cosine(a: Map<string, number>, b: Map<string, number>): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let dot = 0;
  for (const [t, w] of small) {
    const other = large.get(t);
    if (other !== undefined) dot += w * other;
  }
  return dot;
}

/**
 * Quoted speech. An unclosed quotation runs to the end of the text and is kept: no closing mark
 * follows any later opening mark either, so the search stops there instead of starting again at
 * each of them (which took time quadratic in the length of a text full of opening marks).
 */
const QUOTATION = /[“「"][^”」"]*([”」"])?/gu;

/** `text` with its quoted speech replaced by `gap`, to judge the writer's own voice. */
export function withoutQuotes(text: string, gap = ''): string {
  return text.replace(QUOTATION, (quotation, closing: string | undefined) => (closing === undefined ? quotation : gap));
}

/** The writer talking to the reader (you, we) rather than reporting: a mark of commentary. */
const READER_ADDRESS = /\b(?:[Yy]ou|your|[Ww]e|our)\b|你|您|我們|我们|咱們|咱们/u;
/**
 * Share of the writer's own sentences that ask or address the reader, below which an article reads
 * as news and above which as commentary.
 */
const OPINION_RATE = { news: 0.04, opinion: 0.16 } as const;

/**
 * How much the article reads as commentary rather than hard news, from 0 (news) to 1: the share
 * of the writer's own sentences (quotes removed) that ask the reader something or address them.
 */
function opinionLevel(sentences: readonly Sentence[], locale: string): number {
  const paragraphs = new Map<number, string[]>();
  for (const s of sentences) {
    const list = paragraphs.get(s.paragraph);
    if (list) list.push(s.text);
    else paragraphs.set(s.paragraph, [s.text]);
  }
  let marks = 0;
  for (const texts of paragraphs.values()) {
    // Quotes are removed per paragraph, since a quotation often runs over several sentences.
    const own = withoutQuotes(texts.join(' '), ' ');
    for (const sentence of splitSentences(own, locale)) {
      if (/[?？]/u.test(sentence)) marks += 1;
      else if (READER_ADDRESS.test(sentence)) marks += 0.5;
    }
  }
  const rate = marks / Math.max(1, sentences.length);
  return Math.min(1, Math.max(0, (rate - OPINION_RATE.news) / (OPINION_RATE.opinion - OPINION_RATE.news)));
}

/** Words that state a cause, a consequence, a contrast or a definition: the argument, not the colour. */
const ARGUMENT_CUE =
  /因為|因为|所以|因此|導致|导致|後果|后果|原因|意味著|意味着|更關鍵|更关键|關鍵在於|关键在于|本質|本质|問題是|问题是|不僅|不仅|而是|就是在|也就是|所謂|所谓|實際上|实际上|\b(?:because|means|meaning|however|therefore|result(?:ed|s)? in|led to|caused?|the key|the reason|is that)\b/iu;
/** Similes and sayings: a picture of the point rather than the point. */
const FIGURATIVE = /好比|就像|就好像|彷彿|仿佛|如同|猶如|犹如|好像|古話說|古话说|俗話說|俗话说|\b(?:as if|as though|like a)\b/iu;
/**
 * When something happened: a date, a weekday, "today", "近日", "7月9日". News states its event with
 * a time; commentary and background seldom do.
 */
const TIME_EXPRESSION =
  /[0-9０-９]{1,4}\s*[年月日號号]|[一二三四五六七八九十]{1,3}[月日號号]|[今昨前明]天|[今昨]日|日前|近日|本月|上月|今年|去年|上午|下午|晚間|晚间|凌晨|當地時間|当地时间|星期[一二三四五六日天]|[週周][一二三四五六日末]|\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|yesterday|today|tonight|last (?:week|month|year|night)|this (?:week|month|year)|January|February|March|April|June|July|August|September|October|November|December|(?:19|20)\d\d)\b/iu;
/** Agency and reporter openers: 央视网消息（新闻联播）：, 新华社北京…电, 本报讯, 〔記者…／…報導〕. */
const NEWS_OPENER =
  /^[\s“「"]*(?:央视网消息|央視網消息|新华社|新華社|中新社|中新网|本报讯|本報訊|[^，。]{0,10}讯|[^，。]{0,10}訊|[〔（(【]?記者|[〔（(【]?记者)/u;
/** A statement put in someone's mouth: "國家衛健委表示，…", "他指出：". */
const SPEECH_OPENING = /^[^，。！？,]{1,24}(?:表示|指出|說|说|稱|称|強調|强调|認為|认为|介紹|介绍|透露)[，：:,]/u;
const ATTRIBUTION = /\b(?:said|says|told|according to)\b|表示|指出|說|说|稱|称|認為|认为/iu;

/**
 * Splits the article into sentences and describes each one. Never throws on odd input; an
 * article without text gives no sentences.
 */
export function readArticle(article: Pick<Article, 'title' | 'paragraphs' | 'language'>): ArticleReading {
  const paragraphs = (Array.isArray(article.paragraphs) ? article.paragraphs : []).filter((p): p is string => typeof p === 'string' && p.trim() !== '');
  const locale = localeOf(article.language ?? guessLanguage(paragraphs));
  const title = typeof article.title === 'string' ? article.title.slice(0, MAX_TITLE_CHARS) : '';
  const sentences = collectSentences(capText(paragraphs), locale);
  const titleKey = comparable(title);
  const usable = sentences.filter((s) => isSentenceLike(s.text) && !repeatsTitle(s.text, titleKey)).map((s) => s.index);

  const tokens = sentences.map((s) => tokenize(s.text, locale));
  const df = new Map<string, number>();
  for (const list of tokens) for (const t of new Set(list)) df.set(t, (df.get(t) ?? 0) + 1);
  const n = sentences.length;
  const idf = (t: string): number => Math.log((n + 1) / ((df.get(t) ?? 0) + 0.5));
  const vectors = tokens.map((list) => {
    const tf = new Map<string, number>();
    for (const t of list) tf.set(t, (tf.get(t) ?? 0) + 1);
    const v = new Map<string, number>();
    for (const [t, f] of tf) v.set(t, (1 + Math.log(f)) * idf(t));
    return normalise(v);
  });
  const centroid = new Map<string, number>();
  for (const v of vectors) for (const [t, w] of v) centroid.set(t, (centroid.get(t) ?? 0) + w);
  const unitCentroid = normalise(centroid);
  const titleTokens = new Set(tokenize(title, locale));
  const opinion = opinionLevel(sentences, locale);

  const centrality = vectors.map((v) => cosine(v, unitCentroid));
  const order = centrality.map((c, i) => [c, i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  const rank = new Array<number>(n).fill(0);
  for (const [r, [, i]] of order.entries()) rank[i] = n > 1 ? 1 - r / (n - 1) : 1;

  const titleChars = new Set(Array.from(title).filter((c) => /\p{Script=Han}/u.test(c)));
  const paragraphCount = new Set(sentences.map((s) => s.paragraph)).size;
  const lastParagraph = sentences[n - 1]?.paragraph ?? 0;
  const firstParagraph = sentences[0]?.paragraph ?? 0;
  const features = sentences.map((s, i) => {
    const text = s.text;
    const own = withoutQuotes(text);
    const vector = vectors[i]!;
    let shared = 0;
    for (const t of titleTokens) if (vector.has(t)) shared++;
    const figures = (text.match(/\d+(?:[.,]\d+)*/gu) ?? []).length;
    const names = isHanText(text) ? (text.match(/[A-Za-z][A-Za-z0-9-]{1,}/g) ?? []).length : (text.slice(1).match(/(?<![.!?]\s)\b[A-Z][a-z]+/g) ?? []).length;
    const quoted = (text.match(/[“「"][^”」"]{1,12}[”」"]/gu) ?? []).length;
    const words = lengthOf(text);
    const decay = Math.exp(-i / 3);
    let seen = 0;
    for (let j = Math.max(0, i - NOVELTY_WINDOW); j < i; j++) seen = Math.max(seen, cosine(vector, vectors[j]!));
    const logWords = Math.log(1 + words) - 3;
    const distinct = [...new Set(tokens[i]!)];
    const keywords = distinct.filter((t) => (df.get(t) ?? 0) >= 3).length;
    const inTitle = distinct.filter((t) => titleTokens.has(t)).length;
    const han = Array.from(text).filter((c) => /\p{Script=Han}/u.test(c));
    const hanInTitle = han.filter((c) => titleChars.has(c)).length;
    const meanIdf = distinct.length > 0 ? distinct.reduce((a, t) => a + idf(t), 0) / distinct.length / Math.log(n + 2) : 0;
    const chars = han.length;
    return [
      i === 0 ? 1 : 0,
      i === 1 ? 1 : 0,
      i === 2 ? 1 : 0,
      decay,
      n > 1 ? i / (n - 1) : 0,
      s.inParagraph === 0 ? 1 : 0,
      s.paragraph === sentences[0]!.paragraph ? 1 : 0,
      Math.log(1 + words),
      words < 8 ? 1 : 0,
      words > LONG_SENTENCE ? 1 : 0,
      centrality[i]!,
      rank[i]!,
      titleTokens.size > 0 ? shared / titleTokens.size : 0,
      Math.min(figures, 3) / 3,
      Math.min(names, 4) / 4,
      Math.min(quoted, 2) / 2,
      /^["“「『]/u.test(text) ? 1 : 0,
      /[?？]/u.test(own) ? 1 : 0,
      startsWithReference(text) ? 1 : 0,
      ARGUMENT_CUE.test(own) ? 1 : 0,
      FIGURATIVE.test(text) && figures === 0 && names === 0 ? 1 : 0,
      ATTRIBUTION.test(text) ? 1 : 0,
      opinion * decay,
      i === 0 ? 1 : cosine(vector, vectors[0]!),
      TIME_EXPRESSION.test(text) ? 1 : 0,
      logWords * logWords,
      sentences[i + 1]?.paragraph !== s.paragraph ? 1 : 0,
      1 - seen,
      lastParagraph > firstParagraph ? (s.paragraph - firstParagraph) / (lastParagraph - firstParagraph) : 0,
      Math.min(s.inParagraph, 4) / 4,
      paragraphCount <= 2 ? decay : 0,
      distinct.length > 0 ? keywords / distinct.length : 0,
      distinct.length > 0 ? inTitle / distinct.length : 0,
      han.length > 0 && titleChars.size > 0 ? hanInTitle / han.length : 0,
      meanIdf,
      NEWS_OPENER.test(text) ? 1 : 0,
      SPEECH_OPENING.test(text) ? 1 : 0,
      chars > 0 && chars < 15 ? 1 : 0,
      chars >= 15 && chars < 30 ? 1 : 0,
      chars >= 30 && chars < 50 ? 1 : 0,
      chars >= 50 && chars < 80 ? 1 : 0,
    ];
  });
  return { locale, sentences, usable, features, vectors, opinion };
}
