import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HANDLER_ENTRIES, entryExists, type HandlerName } from '../../infra/handler-entries.js';
import { bundleHandler, importMilliseconds } from '../../scripts/bench/bundles.js';

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

const usesMjml = (inputs: string[]) => inputs.some((input) => /node_modules\/mjml(-[a-z-]+)?\//.test(input));

describe('function bundles', () => {
  for (const handler of Object.values(HANDLER_ENTRIES)) {
    const missing = !entryExists(handler);
    it.skipIf(missing)(`${handler.name} stays within ${(BUDGET_BYTES[handler.name] / 1024 / 1024).toFixed(1)} MB and loads in a fresh node${missing ? ` (skipped: ${handler.entry} does not exist yet)` : ''}`, async () => {
      const bundle = await bundleHandler(handler, path.join(outdir, handler.name));
      expect(bundle.bytes).toBeLessThan(BUDGET_BYTES[handler.name]);
      expect(usesMjml(bundle.inputs)).toBe(handler.renders);
      // Loading proves the ES module bundle resolves everything it needs, with nothing outside it.
      expect(await importMilliseconds(bundle.file)).toBeGreaterThan(0);
    });
  }

  it.skipIf(!entryExists(HANDLER_ENTRIES['send-batch']))('keeps mjml out of the sender', async () => {
    const bundle = await bundleHandler(HANDLER_ENTRIES['send-batch'], path.join(outdir, 'send-batch-mjml'));
    expect(bundle.inputs.filter((input) => input.includes('mjml'))).toEqual([]);
    expect(bundle.bytes).toBeLessThan(1.5 * 1024 * 1024);
  });
});
