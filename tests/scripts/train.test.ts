import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FEATURE_NAMES } from '../../functions/core/keypoints/features.js';
import { keyPointModel } from '../../functions/core/keypoints/model.js';
import { loadCorpus } from '../../scripts/eval/datasets.js';
import { fitCount, fitLogistic, modelSource, trainModel } from '../../scripts/train/fit.js';

describe('fitLogistic', () => {
  it('learns that a feature which marks the positives gets a positive weight, the same every time', () => {
    const examples = Array.from({ length: 40 }, (_, i) => ({ x: FEATURE_NAMES.map((_, j) => (j === 0 ? i % 2 : (i * (j + 3)) % 7)), y: i % 2 }));
    const a = fitLogistic(examples);
    expect(a.weights[0]).toBeGreaterThan(1);
    expect(fitLogistic(examples)).toEqual(a);
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

  it.skipIf(!hasCorpus)('equals what npm run train fits on the train split', () => {
    const train = loadCorpus(sharedEval).filter((item) => item.split === 'train');
    const model = trainModel(train);
    expect(model).toEqual(keyPointModel);
    expect(modelSource(model)).toContain(model.trainedOn.fingerprint);
  }, 300_000);
});
