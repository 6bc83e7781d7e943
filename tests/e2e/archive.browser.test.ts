import { parseFeed } from '@rowanmanning/feed-parser';
import { simpleParser } from 'mailparser';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscriberId } from '../../functions/core/subscriber.js';
import { browserSuite, hasChromium, launchChromium, startDevWorkspace, type DevWorkspace } from '../support/browser.js';

/**
 * The public archive on the `newsletter dev` server: one edition is sent, then its "view in
 * browser" link, the archive index and the Atom feed are opened. Browser parts run in Debian's
 * Chromium and are skipped, with the reason in their name, where it is not installed.
 */
const READER = 'archive.reader@example.com';

let ws: DevWorkspace;
let browser: Browser | undefined;
let viewInBrowser: string;
let subject: string;

beforeAll(async () => {
  ws = await startDevWorkspace({ prefix: 'newsletter-archive-' });
  const { dev, servers } = ws;
  const now = new Date().toISOString();
  await dev.app.subscribers.put({
    id: subscriberId(dev.app.tokenKeys.id, READER),
    newsletterId: 'ai-talent',
    email: READER,
    status: 'confirmed',
    createdAt: now,
    confirmedAt: now,
    consent: { at: now, source: 'test' },
  });
  await dev.runSchedule('ai-talent');
  const [message] = servers.embedded.ses!.messages;
  const mail = await simpleParser(message!.raw);
  subject = mail.subject!;
  // The header link of the HTML part and the line of the text part name the same page.
  viewInBrowser = /<a href="([^"]+\/archive\/[^"]+)"/.exec(mail.html || '')![1]!.replaceAll('&amp;', '&');
  expect(mail.text).toContain(viewInBrowser);
  if (hasChromium) browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await ws?.stop();
});

describe('the archive feed', () => {
  it('is Atom that lists the sent edition with its page', async () => {
    const response = await fetch(`${ws.dev.url}/archive/feed.xml?newsletter=ai-talent`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/atom+xml');
    const feed = parseFeed(await response.text());
    expect(feed.title).toBe('AI 人才週報');
    expect(feed.language).toBe('zh-Hant');
    expect(feed.items.map((i) => ({ title: i.title, url: i.url }))).toEqual([{ title: subject, url: viewInBrowser }]);
  });

  it('answers 404 for an edition that does not exist', async () => {
    expect((await fetch(`${ws.dev.url}/archive/ai-talent-2020-01-01-00000000`)).status).toBe(404);
  });
});

describe.skipIf(!hasChromium)(browserSuite('the archive in a browser'), () => {
  it("opens the email's view-in-browser link: the edition, with no personal link and no address", async () => {
    const context = await browser!.newContext({ viewport: { width: 375, height: 740 } });
    const page = await context.newPage();
    const response = await page.goto(viewInBrowser);
    expect(response!.status()).toBe(200);
    await expect(page.locator('body').textContent()).resolves.toContain('年薪14.1億');
    const html = await page.content();
    expect(html).not.toContain('{{');
    expect(html).not.toContain('token=');
    expect(html).not.toContain(READER);
    // The personal links give way to the sign-up page.
    await page.getByRole('link', { name: '訂閱' }).click();
    await page.waitForLoadState();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('訂閱電子報');
    await context.close();
  });

  it('goes from the sign-up page to the archive index and on to the edition', async () => {
    const context = await browser!.newContext({ viewport: { width: 375, height: 740 }, javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${ws.dev.url}/`);
    await page.getByRole('link', { name: '閱讀過去的電子報' }).click();
    await page.waitForLoadState();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('歷期電子報');
    await page.getByRole('link', { name: subject }).click();
    await page.waitForLoadState();
    // The dev server listens on 127.0.0.1 and mail links say localhost: the same page.
    expect(new URL(page.url()).pathname).toBe(new URL(viewInBrowser).pathname);
    await expect(page.title()).resolves.toBe(subject);
    await context.close();
  });
});
