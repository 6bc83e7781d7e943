/**
 * One esbuild configuration for the deployed functions and the bundle bench, so that the bench
 * measures what Lambda runs.
 */

/** The Lambda runtime is Node.js 22; the bundle's syntax targets it. */
export const NODE_TARGET = 'node22';

/**
 * CommonJS dependencies bundled into an ES module still call `require` for Node built-ins; esbuild's
 * shim throws "Dynamic require ... is not supported" unless a real `require` exists at the top.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __newsletterCreateRequire } from 'node:module'; const require = __newsletterCreateRequire(import.meta.url);";

/**
 * Prefer the ES module build of dependencies (better tree shaking), falling back to CommonJS.
 * The AWS SDK is bundled too: the function then runs the SDK version the tests ran, and one
 * minified file loads faster than the runtime's copy spread over hundreds of files.
 */
export const MAIN_FIELDS = ['module', 'main'];

/**
 * Packages left out of every bundle: required only on paths no function takes. `typescript` (3.5 MB)
 * comes with MJML's minifier (htmlnano loads its settings through cosmiconfig, which requires
 * TypeScript lazily, for a `.ts` settings file only); the renderer compiles with `minify: false`, so
 * the require never runs, and if it ever did it would fail loudly rather than silently.
 */
export const EXTERNAL_MODULES = ['typescript'];

/**
 * Imports bundled as another module, resolved from the repository root. MJML and juice call only
 * `cheerio.load`; cheerio's main module also offers `fromURL` and `loadBuffer`, which pull in undici
 * and iconv-lite (about 2 MB) that no function uses. `load-parse.js` is the module that defines that
 * same `load` (parse5, or htmlparser2 for XML), so the HTML the renderer writes does not change
 * (tests/infra/bundle-budgets.test.ts compares it).
 */
export const MODULE_ALIASES: Record<string, string> = {
  cheerio: './node_modules/cheerio/dist/esm/load-parse.js',
};

/**
 * The esbuild command line that bundles a worker thread's entry file as its handler is bundled (the
 * same target, banner, externals and aliases), run after the handler's own bundling. Each argument is
 * double-quoted for the shell; none of them holds `"`, `$`, `\` or a backquote.
 */
export function workerBundleCommand(esbuild: string, entry: string, outfile: string): string {
  const args = [
    entry,
    '--bundle',
    '--platform=node',
    '--format=esm',
    `--target=${NODE_TARGET}`,
    '--minify',
    '--sourcemap',
    '--sources-content=false',
    `--main-fields=${MAIN_FIELDS.join(',')}`,
    `--banner:js=${ESM_REQUIRE_BANNER}`,
    ...EXTERNAL_MODULES.map((name) => `--external:${name}`),
    ...Object.entries(MODULE_ALIASES).map(([name, target]) => `--alias:${name}=${target}`),
    '--log-level=error',
    `--outfile=${outfile}`,
  ];
  return [esbuild, ...args].map((arg) => JSON.stringify(arg)).join(' ');
}
