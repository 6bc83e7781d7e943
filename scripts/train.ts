import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCorpus } from './eval/datasets.js';
import { modelSource, trainModel } from './train/fit.js';

/**
 * `npm run train`: fits the key-point model on the train split of ../shared/eval/corpus (never on
 * dev or test) and writes functions/core/key-points/model.ts. Deterministic: the same corpus gives
 * the same file.
 */

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const evalDir = process.env.NEWSLETTER_EVAL_DIR ? resolve(process.env.NEWSLETTER_EVAL_DIR) : resolve(root, '../shared/eval');
const train = loadCorpus(evalDir).filter((item) => item.split === 'train');
if (train.length === 0) {
  console.error(`train: no train split found under ${evalDir}/corpus (set NEWSLETTER_EVAL_DIR to point elsewhere)`);
  process.exit(1);
}
const model = trainModel(train);
const out = resolve(root, 'functions/core/key-points/model.ts');
writeFileSync(out, modelSource(model));
console.log(`train: ${model.trainedOn.articles} articles, ${model.trainedOn.sentences} sentences (fingerprint ${model.trainedOn.fingerprint}) -> ${out}`);
console.log(`points ≈ ${model.count.intercept} + ${model.count.slope} · ln(usable sentences)`);
for (const language of ['en', 'zh'] as const) {
  console.log(`\n${language} weights (standardised features):`);
  for (const [j, name] of model.features.entries()) console.log(`  ${name.padEnd(30)} ${model[language].weights[j]!.toFixed(3).padStart(8)}`);
}
