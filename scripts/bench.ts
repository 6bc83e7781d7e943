import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  benchEndToEnd,
  benchMemory,
  benchPersonalisation,
  benchRawVsProduct,
  type EndToEndBench,
  type MemoryBench,
  type PersonaliseBench,
  type RawVsProductFigure,
} from './bench/delivery.js';

/**
 * `npm run bench`: delivery throughput and memory, side by side in one run, plus the benchmarks of
 * other parts when their files exist. Prints a table and writes out/bench.json.
 */

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

type Row = [section: string, measure: string, value: string, note?: string];
interface ExtraBench {
  name: string;
  figures: Record<string, number>;
}

const rows: Row[] = [];
const results: {
  personalisation?: PersonaliseBench;
  endToEnd?: EndToEndBench;
  rawVsProduct: RawVsProductFigure[];
  memory?: MemoryBench;
  extras: (ExtraBench | { name: string; error: string })[];
  errors: { name: string; error: string }[];
} = { extras: [], errors: [], rawVsProduct: [] };

const n = (value: number, digits = 0) => value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

async function section<T>(name: string, work: () => Promise<T>, show: (result: T) => void): Promise<T | undefined> {
  const started = performance.now();
  process.stderr.write(`bench: ${name}…\n`);
  try {
    const result = await work();
    show(result);
    process.stderr.write(`bench: ${name} done in ${n((performance.now() - started) / 1000, 1)} s\n`);
    return result;
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    rows.push([name, 'error', message.slice(0, 200)]);
    results.errors.push({ name, error: message });
    return undefined;
  }
}

/**
 * `npm run bench -- --only raw-vs-product,memory` runs only those sections (names: personalisation,
 * end-to-end, raw-vs-product, memory, keypoints, bundles, subscribe, hostile-input, simulate).
 */
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt >= 0 ? new Set((process.argv[onlyAt + 1] ?? '').split(',').filter(Boolean)) : undefined;
const want = (name: string) => !only || only.has(name);

const started = performance.now();

if (want('personalisation'))
  results.personalisation = await section(
    'personalisation',
    () => benchPersonalisation({ seconds: 1.5 }),
    (r) => {
      const s = `(i) one reader's message, sample edition (${n(r.messageBytes / 1024, 1)} KiB)`;
      const figure = (label: string, f: PersonaliseBench['personalise']) =>
        rows.push([s, label, `${n(f.perSecond)} msgs/s`, `${n(f.perCoreSecond)} msgs/s per core (CPU time), ${n(f.messages)} messages`]);
      figure('personalise (MessageTemplate)', r.personalise);
      figure('from-scratch MIME (buildMessage)', r.fromScratch);
      figure('MJML compiled per reader + MIME', r.perReaderCompile);
      rows.push([s, 'personalise ÷ per-reader compile', `${n(r.vsPerReaderCompile, 1)}×`, r.vsPerReaderCompile >= 10 ? 'meets ≥ 10×' : 'BELOW the 10× target']);
      rows.push([s, 'personalise ÷ from-scratch MIME', `${n(r.vsFromScratch, 1)}×`, r.vsFromScratch >= 3 ? 'meets ≥ 3×' : 'BELOW the 3× target']);
    },
  );

if (want('end-to-end'))
  results.endToEnd = await section(
    'end-to-end send',
    () => benchEndToEnd({ subscribers: 10_000, concurrency: 50 }),
    (r) => {
      const s = `(ii) end-to-end, ${n(r.subscribers)} subscribers: dynalite + local SES server, sender in its own process`;
      rows.push([s, 'subscribers inserted (BatchWrite)', `${n(r.insertSeconds, 1)} s`]);
      rows.push([s, 'send duration', `${n(r.sendSeconds, 1)} s`, `${n(r.accepted)} accepted by SES, ${n(r.failed)} failed, concurrency ${r.concurrency}`]);
      rows.push([s, 'achieved rate', `${n(r.perSecond)} msgs/s`, `${n(r.perCoreSecond)} msgs/s per sender core (CPU time)`]);
    },
  );

// The product against the raw SDK loop, same server and message, at two list sizes.
// Rounds of raw-then-product, the median ratio kept: the machine is shared and one pair can mislead.
for (const subscribers of want('raw-vs-product') ? (process.env.BENCH_RAW_SIZES ?? '3000,30000').split(',').map(Number) : []) {
  const rounds = subscribers <= 5_000 ? 3 : 1;
  await section(
    `raw vs product, ${n(subscribers)}`,
    () => benchRawVsProduct({ subscribers, rounds }),
    (r) => {
      results.rawVsProduct.push(r);
      const s =
        `(ii b) unpaced send to ${n(r.subscribers)}: the product against the raw SendRawEmail loop (same SES server, ` +
        `same message, each built while sending)`;
      rows.push([s, 'raw SDK loop, 16 in flight', `${n(r.raw.perSecond)} msgs/s`, `peak RSS ${n(r.raw.peakRssMb, 1)} MB`]);
      rows.push([
        s,
        'product (runDigest, concurrency follows the rate)',
        `${n(r.product.perSecond)} msgs/s`,
        `peak RSS ${n(r.product.peakRssMb, 1)} MB; ${n(r.product.sent)} sent, ${n(r.product.failed)} failed`,
      ]);
      const each =
        r.rounds.length > 1
          ? `; rounds: ${r.rounds.map((x) => `${n(x.ratio, 2)}× (${n(x.product.perSecond)}/${n(x.raw.perSecond)}, load ${n(x.loadAverage, 1)})`).join(', ')}`
          : '';
      rows.push([
        s,
        `product ÷ raw${r.rounds.length > 1 ? `, median of ${r.rounds.length} rounds` : ''}`,
        `${n(r.ratio, 2)}×`,
        `${r.ratio >= 0.6 ? 'meets ≥ 0.6×' : 'BELOW the 0.6× target'}; exactly one copy ` +
          `each: ${r.exactlyOnce ? 'yes' : 'NO'}; load average ${n(r.loadAverage, 1)}${each}`,
      ]);
    },
  );
}

if (want('memory'))
  results.memory = await section(
    'memory',
    () => benchMemory({ sizes: [10_000, 100_000], concurrency: 25 }),
    (r) => {
      const s = '(iii) memory while sending, each size in a fresh process';
      for (const run of r.runs) {
        rows.push([
          s,
          `${n(run.subscribers)} subscribers: live heap (max)`,
          `${n(run.liveHeapMb, 1)} MB`,
          `after a full GC every 5,000 deliveries; ${n(run.sent)} sent in ${n(run.seconds, 1)} s`,
        ]);
        rows.push([s, `${n(run.subscribers)} subscribers: heap used after`, `${n(run.heapAfterMb, 1)} MB`, `before the send ${n(run.heapBeforeMb, 1)} MB`]);
        rows.push([s, `${n(run.subscribers)} subscribers: peak RSS`, `${n(run.peakRssMb, 1)} MB`, `peak heap incl. garbage ${n(run.peakHeapMb, 1)} MB`]);
      }
      rows.push([s, 'ratio largest ÷ smallest: live heap', `${n(r.liveHeapRatio, 2)}×`, `heap after ${n(r.heapAfterRatio, 2)}×`]);
      rows.push([s, 'ratio largest ÷ smallest: peak RSS', `${n(r.peakRssRatio, 2)}×`, r.setup]);
    },
  );

// Benchmarks of other parts of the product, when present: an error in one is a row, not a crash.
for (const [file, fn] of [
  ['keypoints', 'benchKeyPoints'],
  ['bundles', 'benchBundles'],
  ['subscribe', 'benchSubscribeTiming'],
  ['hostile-input', 'benchHostileInput'],
  ['simulate', 'benchSimulate'],
] as const) {
  const path = join(root, 'scripts', 'bench', `${file}.ts`);
  if (!existsSync(path) || !want(file)) continue;
  await section(
    file,
    async () => {
      const module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
      const run = module[fn];
      if (typeof run !== 'function') throw new Error(`scripts/bench/${file}.ts does not export ${fn}()`);
      return (await run()) as ExtraBench;
    },
    (r) => {
      results.extras.push(r);
      for (const [measure, value] of Object.entries(r.figures)) rows.push([r.name, measure, n(value, Number.isInteger(value) ? 0 : 1)]);
    },
  );
}

const seconds = (performance.now() - started) / 1000;
const machine = `${availableParallelism()} cores, ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.versions.node}`;
printTable(rows);
console.log(`\n${machine}; bench ran ${n(seconds, 1)} s`);

const tableRow = ([section, measure, value, note]: Row) => ({ section, measure, value, ...(note ? { note } : {}) });
await mkdir(join(root, 'out'), { recursive: true });
await writeFile(
  join(root, 'out', only ? `bench.${[...only].join('+')}.json` : 'bench.json'),
  `${JSON.stringify({ at: new Date().toISOString(), machine, seconds, ...results, table: rows.map(tableRow) }, null, 2)}\n`,
);
console.log(`Wrote out/${only ? `bench.${[...only].join('+')}.json` : 'bench.json'}`);
if (results.errors.length > 0) process.exitCode = 1;

function printTable(table: Row[]): void {
  let current = '';
  const measureWidth = Math.max(...table.map((r) => r[1].length));
  const valueWidth = Math.max(...table.map((r) => r[2].length));
  for (const [sectionName, measure, value, note] of table) {
    if (sectionName !== current) {
      console.log(`\n${sectionName}`);
      current = sectionName;
    }
    console.log(`  ${measure.padEnd(measureWidth)}  ${value.padStart(valueWidth)}${note ? `  ${note}` : ''}`);
  }
}
