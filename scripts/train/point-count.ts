import { cleanArticle } from '../../functions/core/articles/clean.js';
import { readArticle, lengthOf } from '../../functions/core/key-points/features.js';
import { pointsFor, type CountPredictor } from '../../functions/core/key-points/point-count.js';
import type { EvalItem } from '../eval/datasets.js';

/** One article's size and its reference's number of points. */
export interface CountRow {
  words: number;
  usable: number;
  points: number;
}

export const countCandidates: readonly CountPredictor[] = ['ln(words)', 'words / 1000', 'ln(usable sentences)'];

export function countRows(items: readonly EvalItem[]): CountRow[] {
  const rows: CountRow[] = [];
  for (const item of items) {
    const cleaned = cleanArticle({ location: item.id, format: 'text', body: item.body });
    if (!cleaned.ok) continue;
    const reading = readArticle(cleaned.article);
    const words = cleaned.article.paragraphs.reduce((n, p) => n + lengthOf(p), 0);
    rows.push({ words, usable: reading.usable.length, points: item.references.length });
  }
  return rows;
}

const round = (x: number): number => Math.round(x * 1e4) / 1e4;

/** Least squares of points on the predictor. */
export function fitCountLine(
  rows: readonly CountRow[],
  predictor: CountPredictor,
): { intercept: number; slope: number; points: (size: { words: number; usable: number }) => number } {
  const x = rows.map((r) => pointsFor({ predictor, intercept: 0, slope: 1 }, r, false));
  const y = rows.map((r) => r.points);
  const n = rows.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
  }
  const slope = round(sxx === 0 ? 0 : sxy / sxx);
  const intercept = round(my - slope * mx);
  return { intercept, slope, points: (size) => pointsFor({ predictor, intercept, slope }, size) };
}

export function scoreCount(rows: readonly CountRow[], line: { points: (size: { words: number; usable: number }) => number }): { mae: number; exact: number } {
  let error = 0;
  let exact = 0;
  for (const r of rows) {
    const k = line.points(r);
    error += Math.abs(k - r.points);
    if (k === r.points) exact++;
  }
  return { mae: error / rows.length, exact: exact / rows.length };
}
