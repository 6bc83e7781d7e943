import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoEditionStore } from '../../functions/adapters/dynamodb/edition-store.js';
import { FeedSource } from '../../functions/adapters/sources/feed-source.js';
import { FolderSource } from '../../functions/adapters/sources/folder-source.js';
import { PageSource } from '../../functions/adapters/sources/page-source.js';
import { EmbeddedKeyPointExtractor } from '../../functions/adapters/key-points/embedded-key-point-extractor.js';
import { collectArticles, sentKeys } from '../../functions/use-cases/collect-articles.js';
import { HIDDEN_ELEMENTS } from '../support/hostile-html.js';
import { startTestServers, type TestServers } from '../support/local-servers.js';
import { fixture, LOOPBACK, serve, startFixtureServer, type FixtureServer } from '../adapters/sources/fixture-server.js';

/**
 * Collecting an edition's articles from a real folder, with what was sent recorded in real dynalite:
 * `maxArticles` caps an edition, and what does not fit waits for the next one.
 */
let servers: TestServers;
let folder: string;
let editions: DynamoEditionStore;

const ARTICLES = {
  'a-bridge.md':
    '# Council approves bridge repairs\n\nThe city council voted 7-2 on Tuesday to spend $40 million repairing the ' +
    'Riverside Bridge. Repairs start in June and take about eight months. Shop owners said the closure cut their ' +
    'sales by a third.\n',
  'b-library.md':
    '# Library extends its opening hours\n\nThe central library will open until 10 pm on weekdays from next month. ' +
    'The change costs $300,000 a year, paid by a private donation. Students asked for longer hours in a petition ' +
    'signed by 4,000 people.\n',
  'c-market.md':
    '# Night market returns to the harbour\n\nThe harbour night market reopens on Friday after a three-year break. ' +
    'About 120 stalls will sell food and crafts every weekend until October. Organisers expect 20,000 visitors on ' +
    'the first night.\n',
};

beforeAll(async () => {
  servers = await startTestServers();
  editions = new DynamoEditionStore(servers.dynamodb, servers.tableName);
  folder = await mkdtemp(path.join(tmpdir(), 'newsletter-collect-'));
  for (const [name, text] of Object.entries(ARTICLES)) await writeFile(path.join(folder, name), text);
});

afterAll(async () => {
  await servers?.stop();
  if (folder) await rm(folder, { recursive: true, force: true });
});

const collect = (newsletterId: string) =>
  collectArticles({ newsletterId, sources: [new FolderSource(folder)], extractor: new EmbeddedKeyPointExtractor(), editions, maxKeyPoints: 3, maxArticles: 2 });

describe('collectArticles', () => {
  it('takes maxArticles articles and leaves the rest, with a reason, for the next edition', async () => {
    const first = await collect('max-articles');
    expect(first.digests.map((d) => d.title)).toEqual(['Council approves bridge repairs', 'Library extends its opening hours']);
    for (const digest of first.digests) expect(digest.keyPoints.length).toBeGreaterThan(0);
    expect(first.problems).toEqual([{ location: expect.stringContaining('c-market.md'), reason: expect.stringContaining('left for the next edition') }]);
    expect(first.alreadySent).toBe(0);

    // The edition records what it carried, as the digest does once it is sent; the third article is not among them.
    const keys = first.digests.flatMap(sentKeys);
    await editions.markArticlesSent('max-articles', '2025-07-04', keys, '2025-07-04T08:00:00.000Z');

    const next = await collect('max-articles');
    expect(next.digests.map((d) => d.title)).toEqual(['Night market returns to the harbour']);
    expect(next.alreadySent).toBe(2);
    expect(next.problems).toEqual([]);
  });

  it('reports an article the extractor fails on and keeps the rest of the edition', async () => {
    const embedded = new EmbeddedKeyPointExtractor();
    // A fault forced on one article, as hostile input that breaks the extractor would.
    const extractor = {
      name: 'faulty',
      extract: (article: Parameters<EmbeddedKeyPointExtractor['extract']>[0], options: Parameters<EmbeddedKeyPointExtractor['extract']>[1]) => {
        if (article.title.startsWith('Library')) throw new RangeError('Maximum call stack size exceeded');
        return embedded.extract(article, options);
      },
    };
    const result = await collectArticles({
      newsletterId: 'fault-isolation',
      sources: [new FolderSource(folder)],
      extractor,
      editions,
      maxKeyPoints: 3,
      maxArticles: 10,
    });
    expect(result.digests.map((d) => d.title)).toEqual(['Council approves bridge repairs', 'Night market returns to the harbour']);
    expect(result.problems).toEqual([
      { location: expect.stringContaining('b-library.md'), reason: 'no key points: the extractor failed on this article (Maximum call stack size exceeded)' },
    ]);
  });

  it('keeps the other articles of an edition when a page hides 60,000 elements behind an unbalanced quote', async () => {
    const site = await startFixtureServer({
      '/hostile.html': serve(HIDDEN_ELEMENTS, 'text/html'),
      '/news.html': serve(fixture('en-article.html'), 'text/html; charset=utf-8'),
    });
    try {
      const pages = new PageSource([site.url('/hostile.html'), site.url('/news.html')], { fetch: LOOPBACK });
      const result = await collectArticles({
        newsletterId: 'hostile-page',
        sources: [pages, new FolderSource(folder)],
        extractor: new EmbeddedKeyPointExtractor(),
        editions,
        maxKeyPoints: 3,
        maxArticles: 10,
      });
      expect(result.digests.map((d) => d.title)).toEqual([
        'Volunteers clear two tonnes of plastic from Harbour Bay',
        'Council approves bridge repairs',
        'Library extends its opening hours',
        'Night market returns to the harbour',
      ]);
      expect(result.problems).toEqual([
        { location: site.url('/hostile.html'), reason: 'the page has more than 50,000 HTML elements, more than any article needs; it was not read' },
      ]);
    } finally {
      await site.close();
    }
  });
});

/**
 * Two sites on loopback (two ports, so two origins): a publisher's article page, and a feed
 * elsewhere whose item claims the publisher's address for text of its own.
 */
describe("collectArticles: what one source may say about another source's article", () => {
  let publisher: FixtureServer;
  let elsewhere: FixtureServer;
  const REAL =
    '<html lang="en"><head><title>Harbour ferry returns</title></head><body><article><h1>Harbour ferry ' +
    'returns</h1><p>The harbour ferry runs again from Monday after a year of repairs, the port authority said on ' +
    'Friday. Boats leave every twenty minutes from seven in the morning.</p><p>Tickets cost the same as before, ' +
    'and season passes bought last year are valid until December.</p></article></body></html>';

  beforeAll(async () => {
    publisher = await startFixtureServer({
      '/news/ferry': serve(REAL, 'text/html; charset=utf-8'),
      '/feed.rss': (_request, response, origin) =>
        void response.writeHead(200, { 'content-type': 'application/rss+xml' }).end(
          rss([
            {
              title: 'Harbour ferry returns',
              link: `${origin}/news/ferry`,
              text: 'The harbour ferry runs again from Monday after a year of repairs, the port authority said.',
            },
          ]),
        ),
    });
    elsewhere = await startFixtureServer({
      '/feed.rss': (_request, response) =>
        void response.writeHead(200, { 'content-type': 'application/rss+xml' }).end(
          rss([
            {
              title: 'Buy cheap tickets now',
              link: publisher.url('/news/ferry'),
              text: 'Cheap tickets for every ferry in the world, only today, at our shop.',
            },
            { title: 'A script', link: 'javascript:alert(1)', text: 'An item whose link is no web address, only a script to run.' },
          ]),
        ),
    });
  });

  afterAll(async () => {
    await publisher?.close();
    await elsewhere?.close();
  });

  const claimant = () => new FeedSource(elsewhere.url('/feed.rss'), { fetch: LOOPBACK });
  const page = () => new PageSource([publisher.url('/news/ferry')], { fetch: LOOPBACK });
  const collectFrom = (newsletterId: string, sources: (FeedSource | PageSource)[]) =>
    collectArticles({ newsletterId, sources, extractor: new EmbeddedKeyPointExtractor(), editions, maxKeyPoints: 3, maxArticles: 10 });

  it("keeps the publisher's article in the edition though another source listed its address first", async () => {
    const { digests } = await collectFrom('claimed-in-edition', [claimant(), page()]);
    expect(digests.map((d) => d.title)).toContain('Harbour ferry returns');
  });

  it("still carries the publisher's article after an edition carried the claim", async () => {
    const first = await collectFrom('claimed-before', [claimant()]);
    expect(first.digests.map((d) => d.title)).toContain('Buy cheap tickets now');
    await editions.markArticlesSent('claimed-before', '2025-07-04', first.digests.flatMap(sentKeys), '2025-07-04T08:00:00.000Z');

    const next = await collectFrom('claimed-before', [page()]);
    expect(next.digests.map((d) => d.title)).toEqual(['Harbour ferry returns']);
    expect(next.alreadySent).toBe(0);
  });

  it("still knows the same article reached twice on the publisher's own site", async () => {
    const own = new FeedSource(publisher.url('/feed.rss'), { fetch: LOOPBACK });
    const { digests } = await collectFrom('same-site', [own, page()]);
    expect(digests.map((d) => d.title)).toEqual(['Harbour ferry returns']);
  });

  it('remembers only http(s) links as sent', async () => {
    const { digests } = await collectFrom('script-link', [claimant()]);
    expect(digests.map((d) => d.title)).toContain('A script');
    const keys = digests.flatMap(sentKeys);
    expect(keys.filter((key) => !/^[0-9a-f]+$/.test(key)).every((key) => /^url[@:].*https:\/\//.test(key))).toBe(true);
    expect(keys.some((key) => key.includes('javascript'))).toBe(false);
  });
});

function rss(items: { title: string; link: string; text: string }[]): string {
  const escapeXml = (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const body = items
    .map((item) => `<item><title>${escapeXml(item.title)}</title><link>${escapeXml(item.link)}</link><description>${escapeXml(item.text)}</description></item>`)
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Feed</title>${body}</channel></rss>`;
}
