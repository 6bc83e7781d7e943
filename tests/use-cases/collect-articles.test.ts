import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoEditionStore } from '../../functions/adapters/dynamodb/edition-store.js';
import { FolderSource } from '../../functions/adapters/sources/folder-source.js';
import { PageSource } from '../../functions/adapters/sources/page-source.js';
import { EmbeddedKeyPointExtractor } from '../../functions/adapters/keypoints/embedded-key-point-extractor.js';
import { collectArticles, sentKeys } from '../../functions/use-cases/collect-articles.js';
import { fixture, LOOPBACK, serve, startFixtureServer } from '../adapters/sources/fixture-server.js';
import { HIDDEN_ELEMENTS } from '../support/hostile-html.js';
import { startTestServers, type TestServers } from '../support/local-servers.js';

/**
 * Collecting an edition's articles from a real folder, with what was sent recorded in real dynalite:
 * `maxArticles` caps an edition, and what does not fit waits for the next one.
 */
let servers: TestServers;
let folder: string;
let editions: DynamoEditionStore;

const ARTICLES = {
  'a-bridge.md': '# Council approves bridge repairs\n\nThe city council voted 7-2 on Tuesday to spend $40 million repairing the Riverside Bridge. Repairs start in June and take about eight months. Shop owners said the closure cut their sales by a third.\n',
  'b-library.md': '# Library extends its opening hours\n\nThe central library will open until 10 pm on weekdays from next month. The change costs $300,000 a year, paid by a private donation. Students asked for longer hours in a petition signed by 4,000 people.\n',
  'c-market.md': '# Night market returns to the harbour\n\nThe harbour night market reopens on Friday after a three-year break. About 120 stalls will sell food and crafts every weekend until October. Organisers expect 20,000 visitors on the first night.\n',
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
    const keys = first.digests.flatMap((d) => sentKeys({ id: d.id, ...(d.url ? { url: d.url } : {}) }));
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
    const result = await collectArticles({ newsletterId: 'fault-isolation', sources: [new FolderSource(folder)], extractor, editions, maxKeyPoints: 3, maxArticles: 10 });
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
