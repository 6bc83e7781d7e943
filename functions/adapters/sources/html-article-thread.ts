import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import pLimit from 'p-limit';
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
 * Pages read at once in the whole process. Each reader has its own heap: a 3.5 MB page took 160 MB
 * to read, and read one at a time on the main thread before, pages never added up; two at a time
 * keep the digest function (1,024 MB) clear of its memory limit whatever the sources' concurrency.
 */
const MAX_READERS = 2;
const readers = pLimit(MAX_READERS);

/** The heap one reader may use; a page that needs more is reported, not read. */
const DEFAULT_MAX_HEAP_MB = 384;

export interface ReadHtmlArticleOptions {
  /**
   * Milliseconds left to read the page in, asked when a reader is free (pages wait for one while
   * two others are read). The reader is stopped when they run out.
   */
  timeLeftMs: () => number;
  /** The reader's heap limit in MB. Default 384. */
  maxHeapMb?: number;
}

/**
 * Extracts the article of `html` as `extractHtmlArticle` does, in a worker thread that is stopped
 * when `timeLeftMs` runs out or its heap is full: the page is then reported with a reason naming
 * the limit.
 *
 * @example
 * const result = await readHtmlArticle(html, 'https://example.com/post', { timeLeftMs: () => 30_000 });
 * if ('error' in result) console.warn(result.error);
 */
export function readHtmlArticle(html: string, pageUrl: string | undefined, options: ReadHtmlArticleOptions): Promise<HtmlArticle | { error: string }> {
  return readers(() => readInWorker(html, pageUrl, options.timeLeftMs(), options.maxHeapMb ?? DEFAULT_MAX_HEAP_MB));
}

/**
 * Readers that finished their last page in time, kept for the next one: starting one costs about
 * 0.2 s of CPU (loading linkedom and Readability again). Unreferenced, so they never keep the
 * process alive; a reader that was stopped or failed is never reused.
 */
const idle: { worker: Worker; maxHeapMb: number }[] = [];

function readInWorker(html: string, pageUrl: string | undefined, timeLimitMs: number, maxHeapMb: number): Promise<HtmlArticle | { error: string }> {
  const tooLong = {
    error:
      `not read: reading the page took longer than the ${formatSeconds(timeLimitMs)} left of the source's time ` +
      `budget, so it was skipped (raise the source's "timeBudgetSeconds" to wait longer)`,
  };
  if (timeLimitMs <= 0) {
    return Promise.resolve({
      error: `not read: the source's time budget was used up before the page could be read (raise the source's "timeBudgetSeconds" to wait longer)`,
    });
  }
  const reused = idle.findIndex((reader) => reader.maxHeapMb === maxHeapMb);
  const worker = reused >= 0 ? (idle.splice(reused, 1)[0] as { worker: Worker }).worker : startWorker({ maxOldGenerationSizeMb: maxHeapMb });
  worker.ref();
  return new Promise((resolve) => {
    let settled = false;
    const settle = (result: HtmlArticle | { error: string }, reusable: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // Only these listeners: the Worker keeps listeners of its own that wire up its message port.
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      if (reusable && idle.length < MAX_READERS) {
        worker.once('exit', () => {
          const index = idle.findIndex((reader) => reader.worker === worker);
          if (index >= 0) idle.splice(index, 1);
        });
        worker.unref();
        idle.push({ worker, maxHeapMb });
      } else {
        void worker.terminate();
      }
      resolve(result);
    };
    const timer = setTimeout(() => settle(tooLong, false), timeLimitMs);
    const onMessage = (result: HtmlArticle | { error: string }): void => settle(result, true);
    const onError = (error: Error & { code?: string }): void =>
      settle(
        {
          error:
            error.code === 'ERR_WORKER_OUT_OF_MEMORY'
              ? `not read: the page needs more than ${maxHeapMb} MB of memory to read, more than any article needs`
              : `the page could not be read as HTML (${error.message})`,
        },
        false,
      );
    const onExit = (code: number): void => settle({ error: `the page could not be read as HTML (its reader stopped with code ${code})` }, false);
    worker.once('message', onMessage).once('error', onError).once('exit', onExit);
    worker.postMessage(pageUrl === undefined ? { html } : { html, pageUrl });
  });
}

function startWorker(resourceLimits: { maxOldGenerationSizeMb: number }): Worker {
  for (const extension of ['.mjs', '.js']) {
    const file = new URL(`./${WORKER_NAME}${extension}`, import.meta.url);
    if (existsSync(fileURLToPath(file))) return new Worker(file, { resourceLimits });
  }
  const source = new URL(`./${WORKER_NAME}.ts`, import.meta.url);
  if (!existsSync(fileURLToPath(source))) {
    throw new Error(`${WORKER_NAME}.mjs, .js or .ts not found beside ${fileURLToPath(import.meta.url)}: the build left out the page reader's worker`);
  }
  // The sources themselves (tests, `tsx`): the worker registers tsx before it imports the TypeScript.
  const tsxApi = createRequire(import.meta.url)
    .resolve('tsx/esm/api')
    .replace(/\.cjs$/, '.mjs');
  const code = `import(${JSON.stringify(pathToFileURL(tsxApi).href)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(source.href)}); });`;
  return new Worker(code, { eval: true, resourceLimits });
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(2))} s`;
}
