import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { POINT_COUNT, pointsFor } from '../../functions/core/key-points/point-count.js';
import { loadCorpus } from '../../scripts/eval/datasets.js';
import { fitCountLine, countRows } from '../../scripts/train/point-count.js';

const sharedEval = path.resolve('../shared/eval');
const hasCorpus = existsSync(path.join(sharedEval, 'corpus', 'en.jsonl'));
const skipped = hasCorpus ? '' : ` (point-count refit check SKIPPED: no evaluation corpus at ${sharedEval}/corpus)`;
if (!hasCorpus) console.warn(`point-count refit check SKIPPED: no corpus at ${sharedEval}/corpus`);

describe('the point-count line', () => {
  it('fits points on the predictor by least squares', () => {
    const rows = [100, 400, 1600].map((words) => ({ words, usable: 10, points: 1 + 0.5 * Math.log(words) }));
    const line = fitCountLine(rows, 'ln(words)');
    expect(line.intercept).toBeCloseTo(1, 3);
    expect(line.slope).toBeCloseTo(0.5, 3);
  });

  it('gives a 1,500-word feature more points than a 300-word story', () => {
    expect(pointsFor(POINT_COUNT, { words: 300, usable: 14 })).toBe(2);
    expect(pointsFor(POINT_COUNT, { words: 1500, usable: 14 })).toBe(3);
  });

  it.skipIf(!hasCorpus)(
    `is what npm run fit-count fits on the English train split${skipped}`,
    () => {
      const train = countRows(loadCorpus(sharedEval).filter((item) => item.language === 'en' && item.split === 'train'));
      const line = fitCountLine(train, POINT_COUNT.predictor);
      expect({ predictor: POINT_COUNT.predictor, intercept: line.intercept, slope: line.slope }).toEqual(POINT_COUNT);
    },
    120_000,
  );
});
