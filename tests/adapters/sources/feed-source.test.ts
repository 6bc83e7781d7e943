import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeedSource } from '../../../functions/adapters/sources/feed-source.js';
import { counted, fixture, hugeBody, LOOPBACK, trickle, neverAnswer, redirect, serve, startFixtureServer, type FixtureServer } from './fixture-server.js';

const manyItems = `<?xml version="1.0"?><rss version="2.0"><channel><title>Many</title>${Array.from(
  { length: 30 },
  (_, i) => `<item><title>Item ${i + 1}</title><link>/items/${i + 1}</link><description>Text of item ${i + 1}.</description></item>`,
).join('')}</channel></rss>`;

const rss = (items: string[]): string =>
  `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>${items.map((item) => `<item>${item}</item>`).join('')}</channel></rss>`;

const trickleFeed = rss(
  Array.from({ length: 20 }, (_, i) => `<title>Slow ${i + 1}</title><link>/trickle/${i + 1}</link><description>Summary ${i + 1}.</description>`),
);
const fragmentFeed = rss(
  ['a', 'b', 'c', 'd', 'e'].map((f) => `<title>Part ${f}</title><link>/counted/en.html#${f}</link><description>Part ${f}.</description>`),
);
const deepText = 'The summer ferry timetable starts on 1 June with extra evening sailings on Fridays.';
const hostileFeed = rss([
  '<title>Good one</title><description>The first item is fine.</description>',
  `<title>Deep</title><description><![CDATA[${'<div>'.repeat(10_000)}<p>${deepText}</p>${'</div>'.repeat(10_000)}]]></description>`,
  `<title>Wide</title><link>/wide</link><description><![CDATA[${'<b>x</b>'.repeat(60_000)}]]></description>`,
  '<title>Good two</title><description>The last item is fine too.</description>',
]);

/**
 * A summary in plain text (no tag): the feed parser has decoded its references already, so what is
 * left are bare marks, an unknown reference and an unclosed tag that must stay text.
 */
const plainSummary = `Tom & Jerry &amp; Co say 1 <3 2 > 0, "quoted" & 'single' &zzz; end.\n\nA second paragraph <img src=x onerror=alert(1)`;
const xmlText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const plainFeed = rss([`<title>Plain</title><description>${xmlText(plainSummary)}</description>`]);

describe('FeedSource', () => {
  let server: FixtureServer;
  const trickles = { requests: 0 };
  const budget = new AbortController();
  const enPage = { requests: 0 };

  beforeAll(async () => {
    server = await startFixtureServer({
      '/feeds/rss.xml': serve(fixture('feed.rss'), 'application/rss+xml; charset=utf-8'),
      '/feeds/atom.xml': serve(fixture('feed.atom'), 'application/atom+xml'),
      '/feeds/many.xml': serve(manyItems, 'text/xml'),
      '/feeds/broken.xml': serve('<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><item><title>a</title><<<<', 'application/xml'),
      '/feeds/not-a-feed': serve(fixture('en-article.html'), 'text/html'),
      '/feeds/logo.png': serve('\x89PNG', 'image/png'),
      '/feeds/slow.xml': neverAnswer,
      '/feeds/huge.xml': hugeBody(512 * 1024),
      '/feeds/loop.xml': redirect('/feeds/loop.xml'),
      '/pages/en.html': serve(fixture('en-article.html'), 'text/html; charset=utf-8'),
      '/feeds/trickle.xml': serve(trickleFeed, 'application/rss+xml'),
      // The test's stand-in for the clock: the budget runs out once the first four pages are under way.
      ...Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`/trickle/${i + 1}`, trickle(() => ++trickles.requests === 4 && budget.abort())])),
      '/feeds/fragments.xml': serve(fragmentFeed, 'application/rss+xml'),
      '/counted/en.html': counted(fixture('en-article.html'), 'text/html; charset=utf-8', enPage),
      '/feeds/hostile.xml': serve(hostileFeed, 'application/rss+xml'),
      '/feeds/plain.xml': serve(plainFeed, 'application/rss+xml'),
    });
  });

  afterAll(() => server.close());

  describe('an RSS 2.0 feed', () => {
    it('turns each item into an article with its title, resolved link, date, author and text', async () => {
      const { articles, problems } = await new FeedSource(server.url('/feeds/rss.xml'), { fetch: LOOPBACK }).collect();

      expect(problems).toEqual([]);
      expect(articles).toHaveLength(3);
      expect(articles[0]).toEqual({
        location: server.url('/feeds/posts/nets-qa.html'),
        format: 'text',
        // Entities and CDATA decode; the content wins over the shorter description; scripts vanish.
        title: 'Q&A: <Nets> & the bay’s future',
        body: 'Fishing nets make up & dominate the plastic found in the bay, the trust says.\n\nIts coordinator explains why ghost gear is so hard to remove.',
        url: server.url('/feeds/posts/nets-qa.html'),
        // The text came from the feed, not from the page the link names.
        readFrom: server.url('/feeds/rss.xml'),
        publishedAt: '2024-05-14T07:30:00.000Z',
        byline: 'Jane Rivers',
        language: 'en-gb',
        // The feed's title is the site's name: only it is cut from the end of an item's title.
        siteNames: ['Harbour Weekly'],
      });
      expect(articles[1]?.url).toBe(server.url('/pages/en.html'));
      expect(articles[2]?.body).toBe('The summer ferry timetable starts on 1 June with extra evening sailings.');
    });

    it('follows items that carry only a summary to their page when followLinks is on', async () => {
      const { articles } = await new FeedSource(server.url('/feeds/rss.xml'), { followLinks: true, fetch: LOOPBACK }).collect();

      // The followed page's canonical URL becomes the article's link.
      const cleanup = articles.find((article) => article.url === server.url('/news/harbour-bay-cleanup'));
      expect(cleanup?.location).toBe(server.url('/pages/en.html'));
      expect(cleanup?.readFrom).toBe(server.url('/pages/en.html'));
      expect(cleanup?.title).toBe('Volunteers clear two tonnes of plastic');
      expect(cleanup?.body).toContain('The council will sort the haul at its depot on Quay Street.');
      expect(cleanup?.body).not.toContain('WidgetMart');
      expect(cleanup?.publishedAt).toBe('2024-05-14T08:30:00.000Z');
    });

    it('keeps the summary and reports a problem when the linked page cannot be read', async () => {
      const { articles, problems } = await new FeedSource(server.url('/feeds/rss.xml'), { followLinks: true, fetch: LOOPBACK }).collect();

      const ferry = articles.find((article) => article.title === 'Ferry timetable changes');
      expect(ferry?.body).toBe('The summer ferry timetable starts on 1 June with extra evening sailings.');
      expect(problems).toContainEqual({
        location: server.url('/missing/ferry.html'),
        reason: "the full article could not be read (HTTP 404 Not Found); the feed's summary is used instead",
      });
    });

    it('reads no more than maxItems items, in feed order', async () => {
      const { articles } = await new FeedSource(server.url('/feeds/many.xml'), { maxItems: 5, fetch: LOOPBACK }).collect();
      expect(articles.map((article) => article.title)).toEqual(['Item 1', 'Item 2', 'Item 3', 'Item 4', 'Item 5']);
      expect(articles[4]?.url).toBe(server.url('/items/5'));
    });
  });

  describe('an Atom feed', () => {
    it('reads entries with escaped HTML content, authors and the feed language', async () => {
      const { articles, problems } = await new FeedSource(server.url('/feeds/atom.xml'), { fetch: LOOPBACK }).collect();

      expect(problems).toEqual([]);
      expect(articles[0]).toMatchObject({
        title: '雨水回收 & 節水政策',
        body: '臺北市政府今天宣布，將在未來三年內新增一百座雨水回收設施。\n\n回收的雨水將用於澆灌植栽及沖洗廁所。',
        // The feed declares its site, so relative links resolve against it.
        url: 'https://news.example.tw/entries/rainwater',
        publishedAt: '2024-06-03T01:00:00.000Z',
        byline: '林美華',
        language: 'zh-Hant',
      });
      expect(articles[1]).toMatchObject({
        title: 'Second entry',
        body: 'Plain summary text of the second entry.',
        publishedAt: '2024-06-02T09:00:00.000Z',
      });
    });
  });

  describe('a summary in plain text', () => {
    it('reads references as the characters they name and every other mark as itself, never as markup', async () => {
      const { articles, problems } = await new FeedSource(server.url('/feeds/plain.xml'), { fetch: LOOPBACK }).collect();

      expect(problems).toEqual([]);
      expect(articles[0]?.body).toBe(`Tom & Jerry & Co say 1 <3 2 > 0, "quoted" & 'single' &zzz; end.\n\nA second paragraph <img src=x onerror=alert(1)`);
    });
  });

  describe('time and hostile items', () => {
    it('stops at its time budget: pages under way are abandoned, the rest are not requested, summaries stay', async () => {
      const source = new FeedSource(server.url('/feeds/trickle.xml'), {
        followLinks: true,
        signal: budget.signal,
        timeBudgetMs: 30_000,
        fetch: { ...LOOPBACK, timeoutMs: 60_000 },
      });
      const { articles, problems } = await source.collect();
      expect(trickles.requests).toBe(4);
      expect(articles.map((article) => article.body)).toEqual(Array.from({ length: 20 }, (_, i) => `Summary ${i + 1}.`));
      expect(problems).toHaveLength(20);
      expect(problems[19]).toEqual({
        location: server.url('/trickle/20'),
        reason:
          `the full article could not be read (not read: the source's time budget of 30 s was used up (raise its ` +
          `"timeBudgetSeconds" to wait longer)); the feed's summary is used instead`,
      });
    });

    it('fetches a page once however many #fragments of it the items link to', async () => {
      const { articles } = await new FeedSource(server.url('/feeds/fragments.xml'), { followLinks: true, fetch: LOOPBACK }).collect();
      expect(enPage.requests).toBe(1);
      expect(articles.map((article) => article.title)).toEqual(['Part a', 'Part b', 'Part c', 'Part d', 'Part e']);
      expect(articles[4]?.body).toContain('The council will sort the haul at its depot on Quay Street.');
    });

    it('keeps the other items when one is nested 10,000 deep and one has 60,000 elements', async () => {
      const { articles, problems } = await new FeedSource(server.url('/feeds/hostile.xml'), { fetch: LOOPBACK }).collect();
      expect(articles.map((article) => [article.title, article.body])).toEqual([
        ['Good one', 'The first item is fine.'],
        ['Deep', deepText],
        ['Good two', 'The last item is fine too.'],
      ]);
      expect(problems).toEqual([
        {
          location: server.url('/wide'),
          reason: 'the item could not be read: the page has more than 50,000 HTML elements, more than any article needs; it was not read',
        },
      ]);
    });
  });

  describe('a feed that cannot be read', () => {
    it.each([
      ['times out', '/feeds/slow.xml', 'timed out after 0.2 s'],
      ['is missing', '/feeds/gone.xml', 'HTTP 404 Not Found'],
      ['is an image', '/feeds/logo.png', 'not a feed (image/png)'],
      ['is larger than the limit', '/feeds/huge.xml', 'larger than 256 KB'],
      ['redirects to itself', '/feeds/loop.xml', 'redirect loop'],
      ['is malformed XML', '/feeds/broken.xml', 'malformed XML, the feed cannot be read'],
      ['is a web page', '/feeds/not-a-feed', 'not an RSS or Atom feed: the address serves a web page'],
    ])('gives one problem with the reason when it %s', async (_case, path, reason) => {
      const source = new FeedSource(server.url(path), { fetch: { ...LOOPBACK, timeoutMs: 200, maxBytes: 256 * 1024 } });
      const { articles, problems } = await source.collect();
      expect(articles).toEqual([]);
      expect(problems).toHaveLength(1);
      expect(problems[0]?.location).toBe(server.url(path));
      expect(problems[0]?.reason).toContain(reason);
    });
  });
});
