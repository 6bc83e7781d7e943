import { describe, expect, it } from 'vitest';
import { extractHtmlArticle } from '../../../functions/adapters/sources/html-article.js';
import { readHtmlArticle } from '../../../functions/adapters/sources/html-article-thread.js';
import { readabilityChains } from '../../support/hostile-html.js';

/** CPU seconds of the whole process since `since`, worker threads included. */
const cpuSeconds = (since: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
};

const PAGE =
  '<html lang="en"><head><title>Harbour clean-up</title><link rel="canonical" href="/news/harbour"></head><body>' +
  '<nav>Home</nav><article><h1>Harbour clean-up</h1><p>The council said the clean-up removed two tonnes of plastic from the bay, ' +
  'more than expected.</p><p>Volunteers will return in <a href="/spring">the spring</a>.</p></article></body></html>';

describe('readHtmlArticle', () => {
  it('reads a page in a worker thread exactly as extractHtmlArticle reads it', async () => {
    const read = await readHtmlArticle(PAGE, 'https://news.example.com/a', { timeLeftMs: () => 60_000 });
    expect(read).toEqual(extractHtmlArticle(PAGE, 'https://news.example.com/a'));
    expect(read).toMatchObject({ title: 'Harbour clean-up', canonicalUrl: 'https://news.example.com/news/harbour' });
  }, 60_000);

  it('stops a page that takes longer than the time left, however long reading it would block', async () => {
    // 9.4 to 13.6 s of CPU read whole; process.cpuUsage counts the worker's thread too.
    const cpu = process.cpuUsage();
    const read = await readHtmlArticle(readabilityChains(), 'https://news.example.com/b', { timeLeftMs: () => 2_000 });
    expect(cpuSeconds(cpu)).toBeLessThan(6);
    expect(read).toEqual({
      error:
        `not read: reading the page took longer than the 2 s left of the source's time budget, so it was skipped ` +
        `(raise the source's "timeBudgetSeconds" to wait longer)`,
    });
  }, 60_000);

  it('does not start reading when no time is left', async () => {
    expect(await readHtmlArticle(PAGE, undefined, { timeLeftMs: () => 0 })).toEqual({
      error: `not read: the source's time budget was used up before the page could be read (raise the source's "timeBudgetSeconds" to wait longer)`,
    });
  });

  it('reports a page that needs more memory than a reader may use, and reads the next page', async () => {
    const [big, small] = await Promise.all([
      readHtmlArticle(readabilityChains(), undefined, { timeLeftMs: () => 60_000, maxHeapMb: 48 }),
      readHtmlArticle(PAGE, undefined, { timeLeftMs: () => 60_000, maxHeapMb: 48 }),
    ]);
    expect(big).toEqual({ error: 'not read: the page needs more than 48 MB of memory to read, more than any article needs' });
    expect(small).toMatchObject({ title: 'Harbour clean-up' });
  }, 60_000);
});
