import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { HtmlArticle } from './html-article.js';

/**
 * Reads a page in a worker thread with a hard deadline. Parsing a page and running Readability are
 * synchronous: on a hostile page within every limit of the HTML budget they ran for 9 s and more,
 * and no timer fires while the event loop is blocked, so a time budget checked between steps came
 * too late and every other page (and on Lambda the whole digest) waited. In a worker the thread that
 * keeps the time stays free, and `worker.terminate()` stops the reading when the time is up.
 *
 * The worker's file is found beside this module: `html-article-worker.mjs` in the Lambda bundle
 * (a second esbuild entry, see infra/constructs/newsletter-function.ts), `.js` in the compiled CLI,
 * `.ts` when the sources run under tsx or vitest (registered with tsx inside the worker).
 */

const WORKER_NAME = 'html-article-worker';

/**
 * Extracts the article of `html` as `extractHtmlArticle` does, in a worker thread that is stopped
 * after `timeLimitMs`: the page is then reported with a reason naming the limit.
 *
 * @example
 * const result = await readHtmlArticle(html, 'https://example.com/post', 30_000);
 * if ('error' in result) console.warn(result.error);
 */
export function readHtmlArticle(html: string, pageUrl: string | undefined, timeLimitMs: number): Promise<HtmlArticle | { error: string }> {
  const tooLong = {
    error: `not read: reading the page took longer than the ${formatSeconds(timeLimitMs)} left of the source's time budget, so it was skipped (raise the source's "timeBudgetSeconds" to wait longer)`,
  };
  if (timeLimitMs <= 0) return Promise.resolve(tooLong);
  return new Promise((resolve) => {
    const worker = startWorker();
    let settled = false;
    const settle = (result: HtmlArticle | { error: string }): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
      void worker.terminate();
    };
    const timer = setTimeout(() => settle(tooLong), timeLimitMs);
    worker.once('message', (result: HtmlArticle | { error: string }) => settle(result));
    worker.once('error', (error) => settle({ error: `the page could not be read as HTML (${error.message})` }));
    worker.once('exit', (code) => settle({ error: `the page could not be read as HTML (its reader stopped with code ${code})` }));
    worker.postMessage(pageUrl === undefined ? { html } : { html, pageUrl });
  });
}

function startWorker(): Worker {
  for (const extension of ['.mjs', '.js']) {
    const file = new URL(`./${WORKER_NAME}${extension}`, import.meta.url);
    if (existsSync(fileURLToPath(file))) return new Worker(file);
  }
  const source = new URL(`./${WORKER_NAME}.ts`, import.meta.url);
  if (!existsSync(fileURLToPath(source))) {
    throw new Error(`${WORKER_NAME}.mjs, .js or .ts not found beside ${fileURLToPath(import.meta.url)}: the build left out the page reader's worker`);
  }
  // The sources themselves (tests, `tsx`): the worker registers tsx before it imports the TypeScript.
  const tsxApi = createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs');
  const code = `import(${JSON.stringify(pathToFileURL(tsxApi).href)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(source.href)}); });`;
  return new Worker(code, { eval: true });
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(2))} s`;
}
