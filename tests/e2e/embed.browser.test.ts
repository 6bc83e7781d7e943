import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../functions/cli/main.js';
import { subscriberId } from '../../functions/core/subscriber.js';
import { browserSuite, hasChromium, launchChromium, startDevWorkspace, type DevWorkspace } from '../support/browser.js';
import { linkIn, mailsSince, sentCount } from '../support/subscription-fixtures.js';

/**
 * The form `newsletter embed` prints, pasted into a publisher's own page on another origin, in a
 * real browser without JavaScript: a plain form POST reaches the dev server's API, the reader lands
 * on its "check your inbox" page, and the confirmation mail reaches the local SES inbox.
 */
let ws: DevWorkspace;
let browser: Browser;
let site: Server;
let siteUrl: string;
let snippet: string;

async function embed(): Promise<{ code: number; output: string }> {
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => void lines.push(parts.join(' ')));
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    const code = await main([
      'node',
      'newsletter',
      '--config',
      path.join(ws.work, 'newsletter.config.json'),
      '--data-dir',
      path.join(ws.work, '.newsletter'),
      'embed',
    ]);
    return { code, output: lines.join('\n') };
  } finally {
    log.mockRestore();
    stderr.mockRestore();
  }
}

describe.skipIf(!hasChromium)(browserSuite('the embedded sign-up form in a browser'), () => {
  beforeAll(async () => {
    ws = await startDevWorkspace({ prefix: 'newsletter-embed-' });
    const printed = await embed();
    expect(printed.code).toBe(0);
    snippet = printed.output;
    // The publisher's own site: another origin (127.0.0.1, not localhost, and another port).
    site = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><html lang="en"><head><title>Publisher blog</title></head><body><h1>Publisher blog</h1>\n${snippet}\n</body></html>`);
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}/`;
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => site?.close(resolve));
    await ws?.stop();
  });

  it("posts to the dev server from the publisher's page, shows the check-your-inbox page, stores the reader pending and mails the confirmation", async () => {
    expect(snippet).toContain(`action="${ws.dev.baseUrl}/subscribe"`);
    expect(snippet).not.toContain('<script');
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(siteUrl);
    // The honeypot is hidden without any style sheet of ours.
    expect(await page.locator('input[name=website]').isVisible()).toBe(false);
    const email = 'embedded.reader@example.com';
    await page.getByLabel('電子郵件地址').fill(email);
    const before = sentCount(ws.servers);
    await page.getByRole('button', { name: '訂閱' }).click();
    await page.waitForLoadState();
    expect(page.url()).toBe(`${ws.dev.baseUrl}/subscribe`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('請到收件匣確認');

    await ws.dev.signUps.drain();
    const subscriber = await ws.dev.app.subscribers.get('ai-talent', subscriberId(ws.dev.app.tokenKeys.id, email));
    expect(subscriber).toMatchObject({ status: 'pending', consent: { source: 'sign-up page (POST /subscribe, form)' } });
    const mails = await mailsSince(ws.servers, before, email);
    expect(mails).toHaveLength(1);
    expect(linkIn(mails[0]!, 'confirm')?.startsWith(`${ws.dev.baseUrl}/confirm?token=`)).toBe(true);
    await context.close();
  }, 60_000);
});
