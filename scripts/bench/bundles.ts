import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build, type BuildOptions } from 'esbuild';
import { ESM_REQUIRE_BANNER, EXTERNAL_MODULES, MAIN_FIELDS, MODULE_ALIASES, NODE_TARGET } from '../../infra/bundling.js';
import { HANDLER_ENTRIES, REPO_ROOT, entryExists, entryPath, workerBundleName, type HandlerEntry } from '../../infra/handler-entries.js';

const run = promisify(execFile);

/** Fresh processes per function; the median hides one slow start. */
const IMPORT_RUNS = 3;

export interface HandlerBundle {
  file: string;
  /** The code Lambda loads; the source map is a file of its own beside it. */
  bytes: number;
  mapFile: string;
  /** Source files in the bundle, relative to the repository root (node_modules/... for dependencies). */
  inputs: string[];
  /** The worker threads' bundles beside `file` (`html-article-worker.mjs`), as the deployed function has them. */
  workerFiles: string[];
}

/**
 * Bundles a handler the way its NodejsFunction does (one minified ES module for Node.js 22, AWS SDK
 * included, the createRequire banner, the same externals and aliases, a linked source map without
 * sources), into `outdir/index.mjs`.
 */
export async function bundleHandler(handler: HandlerEntry, outdir: string): Promise<HandlerBundle> {
  return bundleModule(entryPath(handler), outdir, handler.workers);
}

/**
 * Any module of the functions bundled as a handler is, with the worker entries it starts (paths
 * relative to the repository root) bundled beside it; a test imports the result to run it.
 */
export async function bundleModule(entry: string, outdir: string, workers: string[] = []): Promise<HandlerBundle> {
  const workerFiles: string[] = [];
  for (const worker of workers) {
    const workerFile = path.join(outdir, workerBundleName(worker));
    await build({ ...BUILD_OPTIONS, entryPoints: [path.join(REPO_ROOT, worker)], outfile: workerFile });
    workerFiles.push(workerFile);
  }
  const file = path.join(outdir, 'index.mjs');
  const result = await build({ ...BUILD_OPTIONS, entryPoints: [entry], outfile: file, metafile: true });
  return { file, bytes: (await stat(file)).size, mapFile: `${file}.map`, inputs: Object.keys(result.metafile.inputs), workerFiles };
}

const BUILD_OPTIONS = {
  absWorkingDir: REPO_ROOT,
  external: EXTERNAL_MODULES,
  alias: MODULE_ALIASES,
  sourcemap: 'linked',
  sourcesContent: false,
  bundle: true,
  minify: true,
  platform: 'node',
  target: NODE_TARGET,
  format: 'esm',
  mainFields: MAIN_FIELDS,
  banner: { js: ESM_REQUIRE_BANNER },
  logLevel: 'error',
} as const satisfies BuildOptions;

/**
 * Milliseconds to `import()` a bundle in a new `node` process: what a cold start spends loading the
 * code before the handler runs (the process's own start-up is not counted).
 */
export async function importMilliseconds(file: string): Promise<number> {
  const script =
    `const t = performance.now(); const m = await import(${JSON.stringify(pathToFileURL(file).href)}); const ms = ` +
    `performance.now() - t; if (typeof m.handler !== 'function') throw new Error('no handler export'); console.log(ms);`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: path.dirname(file), timeout: 60_000 });
  const ms = Number(stdout.trim().split('\n').at(-1));
  if (!Number.isFinite(ms)) throw new Error(`importing ${file} printed no time: ${stdout}`);
  return ms;
}

/**
 * `npm run bench`: each function's bundle size and cold-start import time. Functions whose handler
 * file does not exist yet are left out.
 */
export async function benchBundles(): Promise<{ name: string; figures: Record<string, number> }> {
  const figures: Record<string, number> = {};
  const dir = await mkdtemp(path.join(tmpdir(), 'newsletter-bundles-'));
  try {
    for (const handler of Object.values(HANDLER_ENTRIES)) {
      if (!entryExists(handler)) continue;
      const bundle = await bundleHandler(handler, path.join(dir, handler.name));
      const times: number[] = [];
      for (let i = 0; i < IMPORT_RUNS; i++) times.push(await importMilliseconds(bundle.file));
      times.sort((a, b) => a - b);
      figures[`${handler.name}.bundleBytes`] = bundle.bytes;
      figures[`${handler.name}.importMs`] = Math.round(times[Math.floor(times.length / 2)]! * 10) / 10;
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return { name: 'bundles', figures };
}
