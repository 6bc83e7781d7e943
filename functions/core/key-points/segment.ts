import { segmentsOf } from '../text-segments.js';
import { CHINESE_STOP_CHARS, CHINESE_STOP_WORDS, ENGLISH_STOP_WORDS } from './stop-words.js';

/**
 * Sentences and tokens through `Intl.Segmenter` (Node's ICU), for Chinese in either script and
 * for English. Tokens are Han bigrams and lower-cased, lightly stemmed Latin words. Long text is
 * segmented a window at a time (`segmentsOf`), so that the work stays linear in its length.
 */

const segmenters = new Map<string, Intl.Segmenter>();

function segmenter(locale: string, granularity: 'sentence' | 'word'): Intl.Segmenter {
  const key = `${locale}:${granularity}`;
  let found = segmenters.get(key);
  if (!found) {
    found = new Intl.Segmenter(locale, { granularity });
    segmenters.set(key, found);
  }
  return found;
}

export function localeOf(language: string | undefined): string {
  if (language === 'zh-Hant') return 'zh-Hant';
  if (language?.startsWith('zh')) return 'zh-Hans';
  return 'en';
}

/** Abbreviations after which ICU breaks a sentence too early ("Gen. David Petraeus"). */
const ABBREVIATION =
  /^(?:Mr|Mrs|Ms|Dr|Prof|Gen|Sen|Rep|Gov|Lt|Col|Sgt|Capt|Cmdr|Adm|Maj|Rev|St|Jr|Sr|Inc|Co|Corp|Ltd|No|vs|Jan|Feb|Mar|Apr|Aug|Sept|Sep|Oct|Nov|Dec|U\.S|U\.N|U\.K|[A-Z])$/;
/** The longest abbreviation above. */
const ABBREVIATION_MAX = 4;
/** What may stand before an abbreviation: the start of the text, a space, a bracket or a quote. */
const BEFORE_ABBREVIATION = /[\s("“]/;

/**
 * Whether the text that `pieces` make ends with an abbreviation, its full stop and perhaps spaces.
 * Only its last characters are read: the word, its full stop and the character before the word,
 * the trailing spaces left out. A sentence being merged grows with every abbreviation ("A. B. C.
 * …") and with every blank line after it, and reading it whole each time took time quadratic (with
 * a run of blank lines, cubic) in its length.
 */
function endsWithAbbreviation(pieces: readonly string[]): boolean {
  const wanted = ABBREVIATION_MAX + 2;
  let end = '';
  for (let i = pieces.length - 1; i >= 0 && end.length < wanted; i--) {
    const piece = end === '' ? pieces[i]!.trimEnd() : pieces[i]!;
    end = piece.slice(-(wanted - end.length)) + end;
  }
  // Shorter than wanted only when it is the whole text: then `from` 0 is the start of the text.
  if (!end.endsWith('.')) return false;
  for (let from = Math.max(0, end.length - 1 - ABBREVIATION_MAX); from < end.length - 1; from++) {
    if ((from === 0 || BEFORE_ABBREVIATION.test(end[from - 1]!)) && ABBREVIATION.test(end.slice(from, -1))) return true;
  }
  return false;
}

/** Opening quotes and brackets, which ICU may leave at the end of the sentence before them. */
const OPENERS = '《“（(「『【〈〔‘';
/**
 * Opening marks at the end of a segment: ICU's sentence rules treat 《 “ （ ( 「 『 【 as closers of
 * the previous sentence, so `…名单。《新宿天鹅》…` would split as `…名单。《` + `新宿天鹅》…`. The match
 * starts only where a run of marks and spaces starts, with spaces, then a mark: tried from every
 * character of a long run, the pattern took time cubic in the run's length.
 */
const TRAILING_OPENERS = new RegExp(`(?<![${OPENERS}\\s])\\s*[${OPENERS}][${OPENERS}\\s]*$`, 'u');

/** Moves opening marks that ICU left at the end of a segment to the start of the next one. */
function returnOpeningMarks(raw: readonly string[]): string[] {
  const out: string[] = [];
  let carry = '';
  raw.forEach((part, i) => {
    let text = carry + part;
    carry = '';
    const opener = i + 1 < raw.length ? TRAILING_OPENERS.exec(text) : null;
    if (opener && opener.index > 0) {
      carry = opener[0].trimStart();
      text = text.slice(0, opener.index) + opener[0].slice(0, opener[0].length - opener[0].trimStart().length);
    }
    out.push(text);
  });
  return out;
}

/**
 * Splits a paragraph into sentences. Each sentence keeps its exact text (trailing spaces removed),
 * so a sentence is always a substring of the paragraph; opening quotes and brackets stay with the
 * sentence they open.
 */
export function splitSentences(paragraph: string, locale: string): string[] {
  const raw = returnOpeningMarks(Array.from(segmentsOf(segmenter(locale, 'sentence'), paragraph), (s) => s.segment));
  // Each sentence as its pieces, joined once at the end.
  const merged: string[][] = [];
  for (const part of raw) {
    const last = merged[merged.length - 1];
    // Blank lines and stray marks join the sentence before them without reading its end.
    if (last !== undefined && (/^[\s\p{P}]*$/u.test(part) || endsWithAbbreviation(last))) last.push(part);
    else merged.push([part]);
  }
  return merged.map((pieces) => pieces.join('').trim()).filter((s) => s !== '');
}

/** A light English stemmer: enough to make "miners" and "miner" the same token. */
function stem(word: string): string {
  if (word.length <= 4) return word;
  if (word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.endsWith('sses')) return word.slice(0, -2);
  if (word.endsWith('ing') && word.length > 6) return word.slice(0, -3);
  if (word.endsWith('ed') && word.length > 5) return word.slice(0, -2);
  if (word.endsWith('s') && !word.endsWith('ss') && !word.endsWith('us')) return word.slice(0, -1);
  return word;
}

function hanBigrams(run: string, out: string[]): void {
  const chars = Array.from(run);
  if (chars.length === 1) {
    if (!CHINESE_STOP_CHARS.has(chars[0]!)) out.push(chars[0]!);
    return;
  }
  for (let i = 0; i + 1 < chars.length; i++) {
    const a = chars[i]!;
    const b = chars[i + 1]!;
    const bigram = a + b;
    if (CHINESE_STOP_CHARS.has(a) && CHINESE_STOP_CHARS.has(b)) continue;
    if (CHINESE_STOP_WORDS.has(bigram)) continue;
    out.push(bigram);
  }
}

const HAN = /\p{Script=Han}/u;

/** Content tokens of a sentence: Han bigrams and stemmed Latin words, stop words removed. */
export function tokenize(sentence: string, locale: string): string[] {
  const out: string[] = [];
  let hanRun = '';
  for (const part of segmentsOf(segmenter(locale, 'word'), sentence)) {
    if (!part.isWordLike) {
      if (hanRun) hanBigrams(hanRun, out);
      hanRun = '';
      continue;
    }
    if (HAN.test(part.segment)) {
      hanRun += part.segment;
      continue;
    }
    if (hanRun) hanBigrams(hanRun, out);
    hanRun = '';
    const word = part.segment.toLowerCase();
    if (ENGLISH_STOP_WORDS.has(word)) continue;
    if (word.length < 2 && !/\d/.test(word)) continue;
    out.push(stem(word));
  }
  if (hanRun) hanBigrams(hanRun, out);
  return out;
}
