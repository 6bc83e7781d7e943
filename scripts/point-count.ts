import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCorpus } from './eval/datasets.js';
import { countCandidates, countRows, fitCountLine, scoreCount } from './train/point-count.js';

/**
 * `npm run fit-count`: how many key points an article gets. Fits each candidate line (points
 * against ln(words), words, ln(usable sentences)) on the English train references by least
 * squares, scores each on dev (mean absolute error of the rounded count, exact matches), and
 * prints them; the one chosen on dev is written into functions/core/key-points/point-count.ts by
 * hand (the fit is deterministic: tests/scripts/point-count.test.ts refits it and compares).
 */

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const evalDir = process.env.NEWSLETTER_EVAL_DIR ? resolve(process.env.NEWSLETTER_EVAL_DIR) : resolve(root, '../shared/eval');
if (!existsSync(resolve(evalDir, 'corpus'))) {
  console.log(`fit-count: skipped, no corpus under ${evalDir}`);
  process.exit(0);
}
const items = loadCorpus(evalDir).filter((item) => item.language === 'en');
const train = countRows(items.filter((i) => i.split === 'train'));
const dev = countRows(items.filter((i) => i.split === 'dev'));
console.log(`points per article on ${train.length} train / ${dev.length} dev English stories (references: 2 to 4 highlights)\n`);
console.log(
  `${'predictor'.padEnd(22)}${'intercept'.padStart(10)}${'slope'.padStart(10)}${'dev MAE'.padStart(10)}${'dev exact'.padStart(11)}` +
    '   points at 300 / 800 / 1,500 / 3,000 words',
);
for (const predictor of countCandidates) {
  const line = fitCountLine(train, predictor);
  const score = scoreCount(dev, line);
  const at = [300, 800, 1500, 3000].map((words) => line.points({ words, usable: Math.round(words / 22) })).join(' / ');
  console.log(
    `${predictor.padEnd(22)}${line.intercept.toFixed(4).padStart(10)}${line.slope.toFixed(4).padStart(10)}` +
      `${score.mae.toFixed(3).padStart(10)}${(100 * score.exact).toFixed(1).padStart(10)}%   ${at}`,
  );
}
