import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FEATURE_NAMES } from '../../functions/core/key-points/features.js';
import { keyPointModel } from '../../functions/core/key-points/model.js';
import { loadCorpus } from '../../scripts/eval/datasets.js';
import { blend, fitCount, fitLogistic, fitPairwise, modelSource, trainModel } from '../../scripts/train/fit.js';

describe('fitLogistic', () => {
  it('learns that a feature which marks the positives gets a positive weight, the same every time', () => {
    const examples = Array.from({ length: 40 }, (_, i) => ({ x: FEATURE_NAMES.map((_, j) => (j === 0 ? i % 2 : (i * (j + 3)) % 7)), y: i % 2 }));
    const a = fitLogistic(examples);
    expect(a.weights[0]).toBeGreaterThan(1);
    expect(fitLogistic(examples)).toEqual(a);
  });
});

describe('fitPairwise', () => {
  /** Articles of six sentences whose gain grows with feature 0; feature 1 is noise; the best one is the oracle's. */
  const articles = Array.from({ length: 30 }, (_, a) => {
    const x = Array.from({ length: 6 }, (_, i) => FEATURE_NAMES.map((_, j) => (j === 0 ? (i * 7 + a) % 6 : j === 1 ? (i * 5 + a * 3) % 4 : 0)));
    const gain = x.map((v) => v[0]! / 10);
    const best = gain.indexOf(Math.max(...gain));
    return { x, y: gain.map((_, i) => (i === best ? 1 : 0)), gain };
  });

  it('ranks by the feature that orders the gains, calibrated to the oracle label, the same every time', () => {
    const model = fitPairwise(articles, 1e-2);
    expect(model.weights[0]).toBeGreaterThan(1);
    expect(Math.abs(model.weights[1]!)).toBeLessThan(model.weights[0]! / 4);
    // Calibrated: one sentence in six is the oracle's, so an average sentence has low odds.
    expect(model.bias).toBeLessThan(0);
    expect(fitPairwise(articles, 1e-2)).toEqual(model);
  });

  it('blends with the pointwise fit on the same sentences, and refuses models standardised differently', () => {
    const pointwise = fitLogistic(
      articles.flatMap((a) => a.x.map((x, i) => ({ x, y: a.y[i]! }))),
      1e-2,
    );
    const pairwise = fitPairwise(articles, 1e-2);
    const mixed = blend(pointwise, pairwise, 0.7);
    expect(mixed.weights[0]).toBeCloseTo(0.3 * pointwise.weights[0]! + 0.7 * pairwise.weights[0]!, 4);
    expect(() => blend(pointwise, { ...pairwise, scale: pairwise.scale.map((s) => s * 2) }, 0.5)).toThrow(/standardisation/);
  });
});

describe('fitCount', () => {
  it('fits points on log(sentences) by least squares', () => {
    const pairs = [10, 20, 40, 80].map((usable) => ({ usable, points: 1 + Math.log(usable) }));
    expect(fitCount(pairs)).toEqual({ intercept: 1, slope: 1 });
  });
});

/** The committed model must be what `npm run train` produces from the corpus's train split. */
const sharedEval = path.resolve('../shared/eval');
const hasCorpus = existsSync(path.join(sharedEval, 'corpus', 'en.jsonl'));
const skipped = hasCorpus ? '' : ` (refit check SKIPPED: no evaluation corpus at ${sharedEval}/corpus)`;
if (!hasCorpus) console.warn(`model refit check SKIPPED: no corpus at ${sharedEval}/corpus`);

describe(`the committed key-point model${skipped}`, () => {
  it('names the features the extractor computes', () => {
    expect(keyPointModel.features).toEqual([...FEATURE_NAMES]);
  });

  it.skipIf(!hasCorpus)(
    'equals what npm run train fits on the train split',
    () => {
      const train = loadCorpus(sharedEval).filter((item) => item.split === 'train');
      const model = trainModel(train);
      expect(model).toEqual(keyPointModel);
      expect(modelSource(model)).toContain(model.trainedOn.fingerprint);
    },
    300_000,
  );
});
