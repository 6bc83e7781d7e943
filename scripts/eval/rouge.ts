/**
 * ROUGE-1, ROUGE-2 and ROUGE-L F1 between a candidate summary and reference sentences.
 * Chinese is compared character by character (punctuation and spaces removed, Latin lower-cased),
 * English word by word (lower-cased), as in the published CLTS and CNN/DailyMail figures.
 */

export type EvalLanguage = 'zh' | 'en';

export interface RougeScores {
  rouge1: number;
  rouge2: number;
  rougeL: number;
}

/** Tokens ROUGE counts: characters for Chinese, words for English. */
export function rougeTokens(text: string, language: EvalLanguage): string[] {
  const lower = text.toLowerCase();
  if (language === 'zh') return Array.from(lower.replace(/[\s\p{P}\p{S}]/gu, ''));
  return lower.match(/[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu) ?? [];
}

function ngrams(tokens: readonly string[], n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const key = tokens.slice(i, i + n).join('\u0001');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

function f1(overlap: number, candidateTotal: number, referenceTotal: number): number {
  if (overlap === 0 || candidateTotal === 0 || referenceTotal === 0) return 0;
  const precision = overlap / candidateTotal;
  const recall = overlap / referenceTotal;
  return (2 * precision * recall) / (precision + recall);
}

/** ROUGE-N F1 on token lists. */
export function rougeN(candidate: readonly string[], reference: readonly string[], n: number): number {
  const c = ngrams(candidate, n);
  const r = ngrams(reference, n);
  let overlap = 0;
  for (const [key, count] of c) overlap += Math.min(count, r.get(key) ?? 0);
  return f1(overlap, Math.max(0, candidate.length - n + 1), Math.max(0, reference.length - n + 1));
}

/** Length of the longest common subsequence, in O(n·m) time and O(m) memory. */
export function lcsLength(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  let previous = new Array<number>(b.length + 1).fill(0);
  let current = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      current[j] = a[i - 1] === b[j - 1] ? previous[j - 1]! + 1 : Math.max(previous[j]!, current[j - 1]!);
    }
    [previous, current] = [current, previous];
  }
  return previous[b.length]!;
}

/** ROUGE-L F1 on token lists (the summary and the references each read as one sequence). */
export function rougeL(candidate: readonly string[], reference: readonly string[]): number {
  return f1(lcsLength(candidate, reference), candidate.length, reference.length);
}

/** All three scores of candidate sentences against reference sentences. */
export function rouge(candidate: readonly string[], reference: readonly string[], language: EvalLanguage): RougeScores {
  const c = rougeTokens(candidate.join(' '), language);
  const r = rougeTokens(reference.join(' '), language);
  return { rouge1: rougeN(c, r, 1), rouge2: rougeN(c, r, 2), rougeL: rougeL(c, r) };
}

/** Mean of several scores (zeros when there are none). */
export function meanScores(scores: readonly RougeScores[]): RougeScores {
  if (scores.length === 0) return { rouge1: 0, rouge2: 0, rougeL: 0 };
  const sum = scores.reduce((acc, s) => ({ rouge1: acc.rouge1 + s.rouge1, rouge2: acc.rouge2 + s.rouge2, rougeL: acc.rougeL + s.rougeL }), {
    rouge1: 0,
    rouge2: 0,
    rougeL: 0,
  });
  return { rouge1: sum.rouge1 / scores.length, rouge2: sum.rouge2 / scores.length, rougeL: sum.rougeL / scores.length };
}
