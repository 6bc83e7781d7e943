import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve } from '../../functions/cli/local-server.js';
import type { EditionModel } from '../../functions/core/edition.js';
import { createSubscriptionApi, type SubscriptionApi } from '../../functions/handlers/http/subscription-app.js';
import { renderEdition } from '../../functions/render/render-edition.js';
import { browserSuite, hasChromium, launchChromium } from '../support/browser.js';
import { HOSTILE, hostileEdition } from '../support/hostile-edition.js';
import { startTestServers, type TestServers } from '../support/local-servers.js';
import { START, subscriptionDeps, testClock, testNewsletters } from '../support/subscription-fixtures.js';
import { VirtualClock } from '../../functions/adapters/local/virtual-clock.js';

/**
 * The public archive page of an edition whose feed titles, key points and intro try to break out
 * of the element they are shown in (a `</title>` followed by a meta refresh, among others), opened
 * in Debian's Chromium through the subscription API on loopback: the page must stay put and show
 * every one of them as text. Skipped, with the reason in its name, where Chromium is not installed.
 */

let servers: TestServers;
let server: Server;
let origin: string;
let browser: Browser;
let model: EditionModel;

describe.skipIf(!hasChromium)(browserSuite('a hostile edition on the public archive, in a browser'), () => {
  beforeAll(async () => {
    servers = await startTestServers();
    let api: SubscriptionApi | undefined;
    server = createServer((req, res) => void serve(api!, req, res, { inbox: undefined, clock: new VirtualClock(START.getTime()) }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const deps = subscriptionDeps(servers, testClock(), testNewsletters(origin));
    api = createSubscriptionApi(deps);
    const newsletter = deps.newsletters[1]!;
    model = hostileEdition(newsletter, START);
    const rendered = await renderEdition(model);
    await deps.editions.create(
      {
        newsletterId: newsletter.id,
        editionId: model.editionId,
        status: 'sent',
        createdAt: START.toISOString(),
        finishedAt: START.toISOString(),
        subject: rendered.subject,
        date: model.date,
        articles: model.articles.map(({ id, title, url }) => ({ id, title, ...(url ? { url } : {}) })),
      },
      rendered,
    );
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await servers?.stop();
  });

  it('opens the edition from the archive index and stays on it, with every hostile text shown as text and no element injected', async () => {
    const context = await browser.newContext({ viewport: { width: 375, height: 740 } });
    // Nothing may leave loopback: a meta refresh or an injected image would ask for evil.example.
    const outside: string[] = [];
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (new URL(url).origin === origin) return route.continue();
      outside.push(url);
      return route.abort();
    });
    const page = await context.newPage();
    const navigations: string[] = [];
    page.on('framenavigated', (frame) => navigations.push(frame.url()));

    await page.goto(`${origin}/archive?newsletter=weekly-en`);
    await page.getByRole('link', { name: model.subject }).click();
    await page.waitForLoadState();
    const editionUrl = `${origin}/archive/${model.editionId}`;
    expect(page.url()).toBe(editionUrl);

    // A refresh can only come from a meta element in the document: there is none, so none is pending.
    // Should the page have gone already, the failure says where to and what it asked for on the way.
    const found = await page
      .evaluate(() => ({
        refresh: document.querySelectorAll('meta[http-equiv="refresh" i]').length,
        injected: Array.from(document.querySelectorAll('[id^="injected"]'), (e) => e.id),
      }))
      .catch((error: Error) => ({ error: error.message, url: page.url(), outside }));
    expect(found).toEqual({ refresh: 0, injected: [] });
    await expect(page.title()).resolves.toBe(model.subject);
    // The subject is cut to what an inbox shows; the part that would break out of <title> is in it.
    expect(model.subject).toContain('</title><meta http-equiv=refresh');
    await expect(page.getByRole('heading', { level: 2 }).allTextContents()).resolves.toEqual(model.articles.map((a) => a.title));
    await expect(page.getByRole('listitem').allTextContents()).resolves.toEqual(model.articles.flatMap((a) => a.keyPoints));
    await expect(page.locator('body').textContent()).resolves.toContain(HOSTILE.intro);

    expect(outside).toEqual([]);
    expect(navigations).toEqual([`${origin}/archive?newsletter=weekly-en`, editionUrl]);
    expect(page.url()).toBe(editionUrl);
    await context.close();
  });
});
