import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadEvalItems, SPLITS, type Split } from './eval/datasets.js';
import { formatTable, runEval } from './eval/run.js';

/**
 * `npm run eval`: scores the embedded key-point extractor on the public samples in ../shared/eval
 * (next to the repository), beside LEAD-k and a greedy oracle, and writes out/eval.json.
 */

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const evalDir = process.env.NEWSLETTER_EVAL_DIR ? resolve(process.env.NEWSLETTER_EVAL_DIR) : resolve(root, '../shared/eval');

if (!existsSync(evalDir)) {
  console.log(`eval: skipped, no evaluation data at ${evalDir} (set NEWSLETTER_EVAL_DIR to point elsewhere)`);
  process.exit(0);
}

const args = parseArgs(process.argv.slice(2));
const items = loadEvalItems(evalDir).filter((item) => !args.splits || (item.split !== undefined && args.splits.includes(item.split)));
if (items.length === 0) {
  console.log(`eval: skipped, ${evalDir} holds no samples in a known format (see its README.md)`);
  process.exit(0);
}

const started = performance.now();
const report = runEval(items);
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(`Key-point extraction on ${new Set(report.items.map((i) => `${i.dataset}/${i.id}`)).size} articles from ${evalDir} (${seconds} s); ROUGE F1 in %, at equal k: English k = reference sentences, Chinese headlines k = 1..3; W/T/L = articles where the extractor is ahead of / level with / behind LEAD-k on ROUGE-1 + ROUGE-2\n`);
console.log(formatTable(report));
for (const s of report.skipped) console.log(`skipped ${s.dataset}/${s.id}: ${s.reason}`);

const outDir = join(root, 'out');
mkdirSync(outDir, { recursive: true });
const outFile = join(outDir, args.splits ? `eval.${args.splits.join('-')}.json` : 'eval.json');
writeFileSync(outFile, `${JSON.stringify({ evalDir, ...report }, null, 2)}\n`);
console.log(`\nwrote ${outFile}`);

/** `--splits train,dev`: only those corpus splits (choose on train and dev; read test once at the end). */
function parseArgs(argv: readonly string[]): { splits?: Split[] } {
  const out: { splits?: Split[] } = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[i + 1];
    if (arg.startsWith('--splits')) {
      const splits = (value ?? '').split(',').filter((s): s is Split => (SPLITS as readonly string[]).includes(s));
      if (splits.length === 0) throw new Error(`eval: --splits takes a comma-separated list of ${SPLITS.join(', ')}`);
      out.splits = splits;
      if (!arg.includes('=')) i++;
    }
  }
  return out;
}
