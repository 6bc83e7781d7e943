import { simpleParser } from 'mailparser';
import { parseHTML } from 'linkedom';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fixture, serve, startFixtureServer, type FixtureServer } from '../adapters/sources/fixture-server.js';
import { createCliWorkspace, type CliWorkspace } from '../support/cli-workspace.js';

/**
 * A newsletter fed by a feed and a web page served on loopback: one edition with both, links back
 * to the articles, no page chrome, the same article reached twice sent once, and nothing the
 * second time.
 */
let site: FixtureServer;
let ws: CliWorkspace;

beforeAll(async () => {
  site = await startFixtureServer({
    '/feed.rss': serve(fixture('feed.rss'), 'application/rss+xml'),
    '/pages/en.html': serve(fixture('en-article.html'), 'text/html; charset=utf-8'),
    '/pages/zh.html': serve(fixture('zh-article.html'), 'text/html; charset=utf-8'),
  });
});

// Each test has its own workspace: its own table, so nothing sent by another test counts as sent.
beforeEach(async () => {
  ws = await createCliWorkspace({
    prefix: 'newsletter-sources-',
    configure: (config) => {
      config.newsletters[0]!.sources = [
        // Fixtures are served on loopback, which a source reads only when it is allowed by name.
        { type: 'feed', url: site.url('/feed.rss'), followLinks: true, allowPrivateHosts: ['127.0.0.1'] },
        // The English page is also the feed's second item: it must appear once.
        { type: 'page', urls: [site.url('/pages/zh.html'), site.url('/pages/en.html')], allowPrivateHosts: ['127.0.0.1'] },
      ];
    },
  });
});

afterEach(async () => ws?.stop());

afterAll(async () => site?.close());

// Two digests that read pages in worker threads: up to 15 s on a busy 2-core machine.
describe('newsletter digest with feed and page sources', { timeout: 90_000 }, () => {
  it('sends one edition with the feed and page articles, linked back, without page chrome', async () => {
    const { code, output } = await ws.run('digest', '--out', ws.out);
    expect(code).toBe(0);
    expect(output).toMatch(/Sent 1 message/);
    // The feed item whose page is gone is reported, not fatal.
    expect(output).toMatch(/Skipped .*ferry/i);

    const mail = await simpleParser(ws.servers.embedded.ses!.messages.at(-1)!.raw);
    const { document } = parseHTML(String(mail.html));
    const titles = Array.from(document.querySelectorAll('h2')).map((h) => h.textContent?.trim() ?? '');
    expect(titles.filter((t) => t.includes('Volunteers clear two tonnes of plastic'))).toHaveLength(1);
    expect(titles.some((t) => /Nets/.test(t))).toBe(true);
    const hrefs = Array.from(document.querySelectorAll('a')).map((a) => a.getAttribute('href') ?? '');
    expect(hrefs).toContain(`${site.origin}/news/harbour-bay-cleanup`);
    expect(hrefs.some((h) => h.startsWith(`${site.origin}/`) && h.includes('nets-qa'))).toBe(true);

    const text = String(mail.text);
    for (const chrome of [
      'cookies',
      'Sponsored',
      'WidgetMart',
      'Related stories',
      'Most read',
      'Share on',
      'All rights reserved',
      'SHOULD NOT APPEAR',
      'Sign up for our morning',
    ]) {
      expect(text).not.toContain(chrome);
    }
  });

  it('sends nothing the second time and says why', async () => {
    const first = await ws.run('digest', '--out', ws.out);
    expect(first.code).toBe(0);
    expect(first.output).toMatch(/Sent 1 message/);
    const before = ws.servers.embedded.ses!.messages.length;
    const { code, output } = await ws.run('digest', '--out', ws.out);
    expect(code).toBe(0);
    expect(output).toMatch(/Nothing new since the last edition \(\d+ article\(s\) already sent\)/);
    expect(ws.servers.embedded.ses!.messages.length).toBe(before);
  });
});
