import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { HANDLER_ENTRIES, type HandlerName } from '../../infra/handler-entries.js';
import { bundleHandler } from '../../scripts/bench/bundles.js';

const run = promisify(execFile);

/**
 * Each function bundled as it is deployed. Budgets leave room to grow but catch a dependency pulled
 * in by accident; above all the sender, which runs by the hundred, must not carry the MJML renderer.
 */
const BUDGET_BYTES: Record<HandlerName, number> = {
  digest: 14 * 1024 * 1024,
  'subscription-api': 14 * 1024 * 1024,
  'send-batch': 1.5 * 1024 * 1024,
  'ses-feedback': 1.5 * 1024 * 1024,
};

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
      // Loading in a fresh node proves the ES module bundle resolves everything it needs, with nothing outside it.
      expect(await handlerTypeIn(bundle.file)).toBe('function');
    });
  }
});
