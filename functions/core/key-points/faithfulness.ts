import { detectLanguage } from '../articles/language.js';

/**
 * Checks on key points written by a language model: every figure (numbers, dates, amounts) and
 * every proper name a point states must be in the article, and the point must be in the article's
 * language. A model that invents "£3,000" or "Monday" where the article says "£2,400" and
 * "Tuesday" loses that point; the rest of its answer stands.
 */

const FULL_WIDTH_DIGITS = /[０-９]/gu;

function halfWidth(text: string): string {
  return text.replace(FULL_WIDTH_DIGITS, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0)).replace(/[，．]/gu, (m) => (m === '，' ? ',' : '.'));
}

/** Numbers as written, thousands separators removed: "1,900" → "1900", "2.8", "7". */
function numbersOf(text: string): string[] {
  return (halfWidth(text).match(/\d+(?:[.,]\d+)*/gu) ?? []).map((n) => n.replace(/,(?=\d{3}(?:\D|$))/gu, '').replace(/\.0+$/u, ''));
}

const MONTHS =
  /\b(?:January|February|March|April|May|June|July|August|September|October|November|December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b/gu;
/** Capitalised words that open clauses rather than name anything. */
const NOT_NAMES = new Set([
  'The',
  'A',
  'An',
  'This',
  'That',
  'These',
  'Those',
  'It',
  'He',
  'She',
  'They',
  'We',
  'I',
  'In',
  'On',
  'At',
  'But',
  'And',
  'Its',
  'His',
  'Her',
  'Their',
  'Our',
  'As',
  'If',
  'For',
  'After',
  'Before',
  'While',
  'With',
]);

/**
 * Proper names a point states: capitalised words not opening a sentence (English), Latin words in
 * Chinese text (Meta, OpenAI, GPT-4), and weekdays and months (dates).
 */
function namesOf(text: string): string[] {
  const names = new Set<string>();
  for (const m of text.matchAll(MONTHS)) names.add(m[0]);
  for (const m of text.matchAll(/(?<=[\p{Script=Han}\s(（「“"'‘,，、:：])([A-Z][\p{L}\d&.'’-]*[\p{L}\d])/gu)) {
    const word = m[1]!;
    const before = text.slice(0, m.index).trimEnd();
    // A capital after a full stop (or at the start) opens a sentence, unless it is a known name form.
    if (before === '' || /[.!?]["”’']?$/u.test(before)) continue;
    if (!NOT_NAMES.has(word)) names.add(word);
  }
  return [...names];
}

/** A fact of `point` the article does not state, or undefined when every one is there. */
export function unsupportedFact(point: string, articleText: string): string | undefined {
  const numbers = new Set(numbersOf(articleText));
  for (const n of numbersOf(point)) if (!numbers.has(n)) return n;
  const text = articleText.toLowerCase();
  for (const name of namesOf(point)) if (!text.includes(name.toLowerCase())) return name;
  return undefined;
}

/**
 * Splits points into those whose facts are all in the article and those that state one it does not.
 *
 * @example
 * checkFacts(['Operator offered a 9% rise.'], 'Operator DP World said it had offered a 7% rise.');
 * // { kept: [], dropped: [{ point: 'Operator offered a 9% rise.', fact: '9' }] }
 */
export function checkFacts(points: readonly string[], articleText: string): { kept: string[]; dropped: { point: string; fact: string }[] } {
  const kept: string[] = [];
  const dropped: { point: string; fact: string }[] = [];
  for (const point of points) {
    const fact = unsupportedFact(point, articleText);
    if (fact === undefined) kept.push(point);
    else dropped.push({ point, fact });
  }
  return { kept, dropped };
}

/**
 * Whether `text` is written in the article's language: Chinese for a Chinese article (either
 * script: the edition converts the script), English for an English one. Other languages are not
 * checked (detection only knows these).
 */
export function inArticleLanguage(text: string, articleLanguage: string | undefined): boolean {
  if (!articleLanguage) return true;
  const detected = detectLanguage(text);
  if (articleLanguage.startsWith('zh')) return detected === 'zh-Hant' || detected === 'zh-Hans';
  if (articleLanguage.startsWith('en')) return detected === 'en';
  return true;
}
