import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { HANDLER_ENTRIES, REPO_ROOT, workerBundleName, type HandlerName } from '../../infra/handler-entries.js';
import { compileMjml } from '../../functions/render/compile-mjml.js';
import { extractHtmlArticle } from '../../functions/adapters/sources/html-article.js';
import type { readHtmlArticle } from '../../functions/adapters/sources/html-article-thread.js';
import { readabilityChains } from '../support/hostile-html.js';
import { bundleHandler, bundleModule } from '../../scripts/bench/bundles.js';

const run = promisify(execFile);

/**
 * Each function bundled as it is deployed. Budgets leave room to grow but catch a dependency pulled
 * in by accident; above all the sender, which runs by the hundred, must not carry the MJML renderer,
 * and the public API, which answers readers, must not carry what the renderer never runs (it was
 * 9.7 MB with TypeScript, undici and iconv-lite; 3.6 MB without).
 */
const BUDGET_BYTES: Record<HandlerName, number> = {
  digest: 8 * 1024 * 1024,
  'subscription-api': 4.5 * 1024 * 1024,
  'send-batch': 1.5 * 1024 * 1024,
  'ses-feedback': 1.5 * 1024 * 1024,
};

/** Packages that only paths no function takes would load (MJML's minifier settings, cheerio's fromURL and loadBuffer). */
const unusedInputs = (name: HandlerName, inputs: string[]) =>
  inputs.filter(
    (input) => /node_modules\/typescript\//.test(input) || (name !== 'digest' && /node_modules\/(.+\/)?(undici|iconv-lite|encoding-sniffer)\//.test(input)),
  );

const outdir = mkdtempSync(path.join(tmpdir(), 'newsletter-budgets-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

const mjmlInputs = (inputs: string[]) => inputs.filter((input) => /node_modules\/mjml(-[a-z-]+)?\//.test(input));
/** OpenCC's dictionaries (a megabyte) are for the digest's Chinese script, never for the functions that run by the hundred. */
const openccInputs = (inputs: string[]) => inputs.filter((input) => input.includes('node_modules/opencc-js/'));

/** What `typeof handler` is in the bundle, imported in a fresh `node` from the bundle's own folder. */
async function handlerTypeIn(file: string): Promise<string> {
  const script = `const m = await import(${JSON.stringify(pathToFileURL(file).href)}); console.log(typeof m.handler);`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: path.dirname(file), timeout: 60_000 });
  return stdout.trim().split('\n').at(-1) ?? '';
}

describe('bundleHandler', () => {
  for (const handler of Object.values(HANDLER_ENTRIES)) {
    const budget = `${(BUDGET_BYTES[handler.name] / 1024 / 1024).toFixed(1)} MB`;
    it(`bundles ${handler.name} within ${budget}, ${handler.renders ? 'with' : 'without'} mjml, into a module that loads and exports its handler`, async () => {
      // No skip: a handler file that is missing fails here, as it would fail the deploy.
      const bundle = await bundleHandler(handler, path.join(outdir, handler.name));
      expect(bundle.bytes).toBeLessThan(BUDGET_BYTES[handler.name]);
      expect(mjmlInputs(bundle.inputs).length > 0).toBe(handler.renders);
      // Only the digest converts Chinese script; OpenCC's tables stay out of every other bundle.
      expect(openccInputs(bundle.inputs).length > 0).toBe(handler.name === 'digest');
      expect(unusedInputs(handler.name, bundle.inputs)).toEqual([]);
      // The source map is a file of its own, linked for --enable-source-maps, not inlined in the code Lambda loads.
      expect(readFileSync(bundle.file, 'utf8').trimEnd().endsWith('//# sourceMappingURL=index.mjs.map')).toBe(true);
      expect(existsSync(bundle.mapFile)).toBe(true);
      // Worker threads are started from their own files beside index.mjs, so those files must be there.
      expect(bundle.workerFiles.map((file) => path.relative(path.dirname(bundle.file), file))).toEqual(handler.workers.map(workerBundleName));
      for (const file of bundle.workerFiles) expect(existsSync(file)).toBe(true);
      // Loading in a fresh node proves the ES module bundle resolves everything it needs, with nothing outside it.
      expect(await handlerTypeIn(bundle.file)).toBe('function');
    });
  }
});

describe('the renderer as bundled', () => {
  it('writes the same HTML as the renderer the tests run, inlined styles included', async () => {
    // Guards the cheerio alias (infra/bundling.ts): MJML and juice must parse and serialise as before.
    const bundle = await bundleModule(path.join(REPO_ROOT, 'functions/render/compile-mjml.ts'), path.join(outdir, 'compile-mjml'));
    const bundled = (await import(pathToFileURL(bundle.file).href)) as { compileMjml: typeof compileMjml };
    const mjml =
      '<mjml><mj-head><mj-style inline="inline">.lead { color: #a00; }</mj-style></mj-head><mj-body><mj-section><mj-column>' +
      '<mj-text css-class="lead"><p class="lead">Chip makers &amp; <b>factories</b>&nbsp;— é</p></mj-text>' +
      '<mj-button href="https://news.example.com/unsubscribe?token=a&amp;b=2">Unsubscribe</mj-button></mj-column></mj-section></mj-body></mjml>';
    const html = await bundled.compileMjml(mjml, 'bundle-check', 'strict');
    expect(html).toBe(await compileMjml(mjml, 'bundle-check', 'strict'));
    expect(html).toContain('style="color: #a00;"');
  });
});

describe('the page reader as bundled', () => {
  it('reads a page in its bundled worker as the sources do, and stops a page that takes longer than its time', async () => {
    // Bundled as the digest function is, worker beside it: the module finds the worker's .mjs file
    // next to itself, as it does in the deployed function.
    const outdirReader = path.join(outdir, 'page-reader');
    const bundle = await bundleModule(path.join(REPO_ROOT, 'functions/adapters/sources/html-article-thread.ts'), outdirReader, HANDLER_ENTRIES.digest.workers);
    const bundled = (await import(pathToFileURL(bundle.file).href)) as { readHtmlArticle: typeof readHtmlArticle };
    const page =
      '<html lang="en"><head><title>Harbour clean-up</title></head><body><article><h1>Harbour clean-up</h1>' +
      '<p>The council said the clean-up removed two tonnes of plastic from the bay, more than expected.</p></article></body></html>';
    expect(await bundled.readHtmlArticle(page, 'https://news.example.com/a', { timeLeftMs: () => 60_000 })).toEqual(
      extractHtmlArticle(page, 'https://news.example.com/a'),
    );
    // 9 s and more of CPU when read whole; process.cpuUsage counts the worker's thread too.
    const cpu = process.cpuUsage();
    const slow = await bundled.readHtmlArticle(readabilityChains(), 'https://news.example.com/b', { timeLeftMs: () => 2_000 });
    const used = process.cpuUsage(cpu);
    expect((used.user + used.system) / 1e6).toBeLessThan(6);
    expect(slow).toEqual({
      error: expect.stringMatching(/^not read: reading the page took longer than the 2 s left of the source's time budget, so it was skipped/),
    });
  }, 120_000);
});
