import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PageSource } from '../../../functions/adapters/sources/page-source.js';
import { HIDDEN_ELEMENTS, HIDDEN_TEXT, HIDING_PLACES, hiddenNesting, readabilityChains } from '../../support/hostile-html.js';
import { VirtualClock } from '../../../functions/adapters/local/virtual-clock.js';
import { counted, fixture, hugeBody, LOOPBACK, neverAnswer, redirect, serve, startFixtureServer, trickle, type FixtureServer } from './fixture-server.js';

/** CPU seconds of the whole process since `since`, worker threads included. */
const cpuSeconds = (since: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
};

describe('PageSource', () => {
  let server: FixtureServer;
  const enPage = { requests: 0 };
  const trickles = { requests: 0 };
  const budget = new AbortController();
  const clock = new VirtualClock();
  const afterBudget = { requests: 0 };

  beforeAll(async () => {
    server = await startFixtureServer({
      '/pages/en.html': serve(fixture('en-article.html'), 'text/html; charset=utf-8'),
      '/pages/zh.html': serve(fixture('zh-article.html'), 'text/html; charset=UTF-8'),
      '/pages/plain.html': serve('<html lang="en"><head><title>Plain</title></head><body><p>A page without a canonical link.</p></body></html>', 'text/html'),
      '/old/plain': redirect('/pages/plain.html', 301),
      '/pages/slow.html': neverAnswer,
      '/pages/report.pdf': serve('%PDF-1.7', 'application/pdf'),
      '/pages/huge.html': hugeBody(512 * 1024),
      '/pages/loop': redirect('/pages/loop-2'),
      '/pages/loop-2': redirect('/pages/loop'),
      '/pages/empty.html': serve('<html><body><nav>Home</nav></body></html>', 'text/html'),
      '/counted/en.html': counted(fixture('en-article.html'), 'text/html; charset=utf-8', enPage),
      // The test's stand-in for the clock: the budget runs out once two pages are under way.
      '/trickle/1': trickle(() => ++trickles.requests === 2 && budget.abort()),
      '/trickle/2': trickle(() => ++trickles.requests === 2 && budget.abort()),
      '/trickle/3': trickle(() => ++trickles.requests),
      '/reading/1.html': serve(fixture('en-article.html'), 'text/html'),
      // The clock moves past the budget between the first page and the second, as it does while a
      // page is being read: reading is synchronous, so the budget's timer has no chance to fire.
      '/reading/2.html': (request, response, origin) => {
        clock.advance(31_000);
        serve(fixture('zh-article.html'), 'text/html')(request, response, origin);
      },
      '/reading/3.html': counted(fixture('en-article.html'), 'text/html', afterBudget),
      ...Object.fromEntries(
        HIDING_PLACES.map(([, before, after], i) => [`/hostile/hidden-${i}.html`, serve(hiddenNesting(2_000, before, after), 'text/html')]),
      ),
      '/hostile/hidden-elements.html': serve(HIDDEN_ELEMENTS, 'text/html'),
      '/hostile/readability-chains.html': serve(readabilityChains(), 'text/html'),
      '/hostile/hidden-depth.html': serve(hiddenNesting(30_000, '<div a">', '<p>The 27" screen sold out.</p>'), 'text/html'),
    });
  });

  afterAll(() => server.close());

  it('fetches a page once however many #fragments of it are listed', async () => {
    const urls = ['#one', '#two', '', '#three'].map((fragment) => server.url(`/counted/en.html${fragment}`));
    const { articles, problems } = await new PageSource(urls, { fetch: LOOPBACK }).collect();
    expect(enPage.requests).toBe(1);
    expect(problems).toEqual([]);
    expect(articles).toHaveLength(4);
  });

  it('stops at its time budget, without requesting the pages not yet started', async () => {
    const urls = [1, 2, 3].map((i) => server.url(`/trickle/${i}`));
    const source = new PageSource(urls, { concurrency: 2, signal: budget.signal, timeBudgetMs: 45_000, fetch: { ...LOOPBACK, timeoutMs: 60_000 } });
    const { articles, problems } = await source.collect();
    expect(articles).toEqual([]);
    expect(trickles.requests).toBe(2);
    expect(problems.map((problem) => problem.reason)).toEqual(
      Array(3).fill(`not read: the source's time budget of 45 s was used up (raise its "timeBudgetSeconds" to wait longer)`),
    );
  });

  it('keeps its time budget by the clock, not only by its timer, which cannot fire while a page is read', async () => {
    const urls = [1, 2, 3].map((i) => server.url(`/reading/${i}.html`));
    const { articles, problems } = await new PageSource(urls, { concurrency: 1, clock, timeBudgetMs: 30_000, fetch: LOOPBACK }).collect();
    expect(articles.map((article) => article.location)).toEqual([urls[0]]);
    const spent = `not read: the source's time budget of 30 s was used up (raise its "timeBudgetSeconds" to wait longer)`;
    expect(problems).toEqual([
      { location: urls[1], reason: spent },
      { location: urls[2], reason: spent },
    ]);
    expect(afterBudget.requests).toBe(0);
  });

  it('extracts each page as a text article, with the canonical URL as its link', async () => {
    const source = new PageSource([server.url('/pages/en.html'), server.url('/pages/zh.html')], { fetch: LOOPBACK });
    const { articles, problems } = await source.collect();

    expect(problems).toEqual([]);
    expect(articles.map((article) => article.location)).toEqual([server.url('/pages/en.html'), server.url('/pages/zh.html')]);
    expect(articles[0]).toMatchObject({
      format: 'text',
      title: 'Volunteers clear two tonnes of plastic from Harbour Bay',
      url: server.url('/news/harbour-bay-cleanup'),
      byline: 'Jane Rivers',
      language: 'en-GB',
    });
    expect(articles[0]?.body).toContain('The bay is a trap for the whole coastline.');
    expect(articles[0]?.body).not.toContain('Ferry strike');
    expect(articles[1]).toMatchObject({ title: '臺北市推動雨水回收 三年內新增百座儲水設施', language: 'zh-Hant-TW' });
    expect(articles[1]?.body).toContain('第一批設施預計明年春天完工');
    expect(articles[1]?.body).not.toContain('限時優惠');
  });

  it('links to the address the page was finally served from when it names no canonical URL', async () => {
    const { articles } = await new PageSource([server.url('/old/plain')], { fetch: LOOPBACK }).collect();
    expect(articles[0]).toMatchObject({
      location: server.url('/old/plain'),
      url: server.url('/pages/plain.html'),
      readFrom: server.url('/pages/plain.html'),
      body: 'A page without a canonical link.',
    });
  });

  it('reports each page that fails with its reason and still returns the pages that work', async () => {
    const paths = ['/pages/slow.html', '/pages/missing.html', '/pages/report.pdf', '/pages/huge.html', '/pages/loop', '/pages/empty.html', '/pages/en.html'];
    // The timeout is real time and covers every page, so it leaves room for a first, cold read on a
    // busy machine: only the page that never answers may reach it.
    const source = new PageSource(
      paths.map((path) => server.url(path)),
      { fetch: { ...LOOPBACK, timeoutMs: 3_000, maxBytes: 256 * 1024 } },
    );
    const { articles, problems } = await source.collect();

    expect(articles.map((article) => article.location)).toEqual([server.url('/pages/en.html')]);
    expect(problems).toEqual([
      { location: server.url('/pages/slow.html'), reason: 'timed out after 3 s' },
      { location: server.url('/pages/missing.html'), reason: 'HTTP 404 Not Found' },
      { location: server.url('/pages/report.pdf'), reason: 'not HTML (application/pdf)' },
      { location: server.url('/pages/huge.html'), reason: 'larger than 256 KB' },
      { location: server.url('/pages/loop'), reason: `redirect loop (redirected back to ${server.url('/pages/loop')})` },
      { location: server.url('/pages/empty.html'), reason: 'no article text found in the page' },
    ]);
  });

  describe('pages that hide deep nesting from a scanner', () => {
    it.each(HIDING_PLACES.map(([place], i) => [place, i] as const))(
      'reads a page whose 2,000 nested <div>s hide behind %s, flattened, within 2 s of CPU',
      async (_place, i) => {
        const url = server.url(`/hostile/hidden-${i}.html`);
        const cpu = process.cpuUsage();
        const { articles, problems } = await new PageSource([url], { fetch: LOOPBACK }).collect();
        expect(cpuSeconds(cpu)).toBeLessThan(2);
        expect(problems).toEqual([]);
        expect(articles[0]?.body).toContain(HIDDEN_TEXT);
      },
    );

    it('refuses, naming each page and what to do, pages whose elements or nesting hide behind a quote, and reads the rest', async () => {
      const urls = [server.url('/hostile/hidden-elements.html'), server.url('/pages/plain.html'), server.url('/hostile/hidden-depth.html')];
      const cpu = process.cpuUsage();
      const { articles, problems } = await new PageSource(urls, { fetch: LOOPBACK }).collect();
      expect(cpuSeconds(cpu)).toBeLessThan(2);
      expect(articles.map((article) => article.body)).toEqual(['A page without a canonical link.']);
      expect(problems).toEqual([
        { location: urls[0], reason: 'the page has more than 50,000 HTML elements, more than any article needs; it was not read' },
        {
          location: urls[2],
          reason: expect.stringMatching(
            /^the page's HTML is nested [\d,]+ levels deep, too deep to be read in time at its size; it was not read: save the article's text as a \.txt or \.md file instead$/,
          ),
        },
      ]);
    });
  });

  it('stops reading a page that takes longer than its time budget, reports it, and reads the other pages meanwhile', async () => {
    // Within every limit of the HTML budget, this page kept Readability busy for 13.6 s of CPU, read
    // synchronously (9.4 s on a quiet machine), past the checks between the steps of reading: no
    // timer fired, and the other page waited too. Read in a worker thread, it is stopped when the 5 s
    // budget runs out. CPU, not the wall clock, is measured: process.cpuUsage counts every thread of
    // the process, the worker's included, so the page cost at most the budget and the other page.
    const urls = [server.url('/hostile/readability-chains.html'), server.url('/pages/plain.html')];
    const cpu = process.cpuUsage();
    const { articles, problems } = await new PageSource(urls, { timeBudgetMs: 5_000, fetch: LOOPBACK }).collect();
    expect(cpuSeconds(cpu)).toBeLessThan(8);
    expect(articles.map((article) => article.body)).toEqual(['A page without a canonical link.']);
    expect(problems).toEqual([
      {
        location: urls[0],
        reason: expect.stringMatching(
          /^not read: reading the page took longer than the [\d.]+ s left of the source's time budget, so it was skipped \(raise the source's "timeBudgetSeconds" to wait longer\)$/,
        ),
      },
    ]);
  }, 60_000);

  it('describes itself by its pages', () => {
    expect(new PageSource(['https://a.example/1', 'https://a.example/2']).description).toBe('pages https://a.example/1 and 1 more');
  });
});
