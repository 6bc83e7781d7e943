/**
 * How many key points a news article gets, from its length: a line fitted by least squares on the
 * English train references of the corpus (`npm run fit-count`), chosen on dev among ln(words),
 * words and ln(usable sentences) as predictors. The corpus's references hold 2 to 4 highlights
 * whatever the story's length, so the line rises slowly; see docs/key-points.md for the figures.
 */

export type CountPredictor = 'ln(words)' | 'words / 1000' | 'ln(usable sentences)';

export interface CountLine {
  predictor: CountPredictor;
  intercept: number;
  slope: number;
}

/** The chosen line (`npm run fit-count` prints every candidate with its dev error). */
export const POINT_COUNT: CountLine = { predictor: 'ln(words)', intercept: 1.7503, slope: 0.1306 };

/**
 * Points for an article of `words` words (Chinese: characters / 2.5) and `usable` usable
 * sentences; unrounded when `rounded` is false (for fitting).
 */
export function pointsFor(line: CountLine, size: { words: number; usable: number }, rounded = true): number {
  const x =
    line.predictor === 'ln(words)'
      ? Math.log(Math.max(1, size.words))
      : line.predictor === 'words / 1000'
        ? size.words / 1000
        : Math.log(Math.max(1, size.usable));
  const points = line.intercept + line.slope * x;
  return rounded ? Math.max(1, Math.round(points)) : points;
}
