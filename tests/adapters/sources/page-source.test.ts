import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PageSource } from '../../../functions/adapters/sources/page-source.js';
import { fixture, hugeBody, LOOPBACK, neverAnswer, redirect, serve, startFixtureServer, type FixtureServer } from './fixture-server.js';

describe('PageSource', () => {
  let server: FixtureServer;

  beforeAll(async () => {
    server = await startFixtureServer({
      '/pages/en.html': serve(fixture('en-article.html'), 'text/html; charset=utf-8'),
      '/pages/zh.html': serve(fixture('zh-article.html'), 'text/html; charset=UTF-8'),
      '/pages/plain.html': serve(
        '<html lang="en"><head><title>Plain</title></head><body><p>A page without a canonical link.</p></body></html>',
        'text/html',
      ),
      '/old/plain': redirect('/pages/plain.html', 301),
      '/pages/slow.html': neverAnswer,
      '/pages/report.pdf': serve('%PDF-1.7', 'application/pdf'),
      '/pages/huge.html': hugeBody(512 * 1024),
      '/pages/loop': redirect('/pages/loop-2'),
      '/pages/loop-2': redirect('/pages/loop'),
      '/pages/empty.html': serve('<html><body><nav>Home</nav></body></html>', 'text/html'),
    });
  });

  afterAll(() => server.close());

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
    expect(articles[0]).toMatchObject({ location: server.url('/old/plain'), url: server.url('/pages/plain.html'), body: 'A page without a canonical link.' });
  });

  it('reports each page that fails with its reason and still returns the pages that work', async () => {
    const paths = ['/pages/slow.html', '/pages/missing.html', '/pages/report.pdf', '/pages/huge.html', '/pages/loop', '/pages/empty.html', '/pages/en.html'];
    const source = new PageSource(paths.map((path) => server.url(path)), { fetch: { ...LOOPBACK, timeoutMs: 200, maxBytes: 256 * 1024 } });
    const { articles, problems } = await source.collect();

    expect(articles.map((article) => article.location)).toEqual([server.url('/pages/en.html')]);
    expect(problems).toEqual([
      { location: server.url('/pages/slow.html'), reason: 'timed out after 0.2 s' },
      { location: server.url('/pages/missing.html'), reason: 'HTTP 404 Not Found' },
      { location: server.url('/pages/report.pdf'), reason: 'not HTML (application/pdf)' },
      { location: server.url('/pages/huge.html'), reason: 'larger than 256 KB' },
      { location: server.url('/pages/loop'), reason: `redirect loop (redirected back to ${server.url('/pages/loop')})` },
      { location: server.url('/pages/empty.html'), reason: 'no article text found in the page' },
    ]);
  });

  it('describes itself by its pages', () => {
    expect(new PageSource(['https://a.example/1', 'https://a.example/2']).description).toBe('pages https://a.example/1 and 1 more');
  });
});
