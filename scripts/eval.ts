import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadEvalItems, SPLITS, type EvalItem, type Split } from './eval/datasets.js';
import { extractorPoints, formatTable, runEval } from './eval/run.js';
import { createKeyPointExtractor } from '../functions/adapters/key-points/create-extractor.js';
import { newsletterSchema } from '../functions/core/config.js';
import type { KeyPointExtractor } from '../functions/ports/key-point-extractor.js';

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
const items = limitPerDataset(
  loadEvalItems(evalDir).filter((item) => !args.splits || (item.split !== undefined && args.splits.includes(item.split))),
  args.limit,
);
if (items.length === 0) {
  console.log(`eval: skipped, ${evalDir} holds no samples in a known format (see its README.md)`);
  process.exit(0);
}

const started = performance.now();
const extractor = args.extractor ? extractorFrom(args.extractor) : undefined;
const points = extractor
  ? await extractorPoints(items, extractor, (done) => done % 50 === 0 && console.error(`eval: ${done}/${items.length} articles through ${extractor.name}`))
  : undefined;
const report = runEval(items, points ? { points } : {});
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(
  `Key-point extraction on ${new Set(report.items.map((i) => `${i.dataset}/${i.id}`)).size} articles ` +
    `from ${evalDir} (${seconds} s); ROUGE F1 in %, at equal k: English k = reference sentences, Chinese headlines ` +
    `k = 1..3; W/T/L = articles where the extractor is ahead of / level with / behind LEAD-k on ROUGE-1 + ROUGE-2\n`,
);
console.log(formatTable(report));
for (const s of report.skipped) console.log(`skipped ${s.dataset}/${s.id}: ${s.reason}`);

const outDir = join(root, 'out');
mkdirSync(outDir, { recursive: true });
const outFile = join(outDir, args.splits ? `eval.${args.splits.join('-')}.json` : 'eval.json');
writeFileSync(outFile, `${JSON.stringify({ evalDir, ...report }, null, 2)}\n`);
console.log(`\nwrote ${outFile}`);

/** `--limit N`: the first N articles of each dataset and split (an LLM endpoint is slow and may cost money). */
function limitPerDataset(all: EvalItem[], limit: number | undefined): EvalItem[] {
  if (limit === undefined) return all;
  const seen = new Map<string, number>();
  return all.filter((item) => {
    const group = `${item.dataset}/${item.split ?? ''}`;
    seen.set(group, (seen.get(group) ?? 0) + 1);
    return seen.get(group)! <= limit;
  });
}

/** `--splits train,dev`: only those corpus splits (choose on train and dev; read test once at the end). */
/**
 * `--extractor CONFIG`: a JSON file holding a `keyPoints` block as in newsletter.config.json, e.g.
 * {"extractor": "openai-compatible", "llm": {"baseUrl": "http://127.0.0.1:11434/v1", "model": "qwen2.5:7b"}}.
 * The API key comes from the variable `llm.apiKeyEnv` names. No cache: every answer is asked for.
 */
function extractorFrom(file: string): KeyPointExtractor {
  const keyPoints = newsletterSchema.shape.keyPoints.parse(JSON.parse(readFileSync(resolve(file), 'utf8')));
  return createKeyPointExtractor({ id: 'eval', keyPoints }, { environment: process.env, warn: (message) => console.error(`eval: ${message}`) });
}

function parseArgs(argv: readonly string[]): { splits?: Split[]; extractor?: string; limit?: number } {
  const out: { splits?: Split[]; extractor?: string; limit?: number } = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[i + 1];
    if (arg.startsWith('--splits')) {
      const splits = (value ?? '').split(',').filter((s): s is Split => (SPLITS as readonly string[]).includes(s));
      if (splits.length === 0) throw new Error(`eval: --splits takes a comma-separated list of ${SPLITS.join(', ')}`);
      out.splits = splits;
      if (!arg.includes('=')) i++;
    } else if (arg.startsWith('--extractor')) {
      if (!value) throw new Error('eval: --extractor takes the path of a JSON file with a keyPoints block');
      out.extractor = value;
      if (!arg.includes('=')) i++;
    } else if (arg.startsWith('--limit')) {
      out.limit = Number(value);
      if (!Number.isInteger(out.limit) || out.limit < 1) throw new Error('eval: --limit takes a whole number of articles per dataset');
      if (!arg.includes('=')) i++;
    }
  }
  return out;
}
