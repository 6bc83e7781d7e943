import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DevServer } from '../../functions/cli/commands/dev.js';
import { subscriberId } from '../../functions/core/subscriber.js';
import { browserSuite, hasChromium, launchChromium, startDevWorkspace, type DevWorkspace } from '../support/browser.js';
import type { TestServers } from '../support/local-servers.js';
import { linkIn, mailsSince, sentCount } from '../support/subscription-fixtures.js';

/**
 * The sign-up form in a real browser (Debian's Chromium), on the `newsletter dev` server.
 * Skipped, with the reason in its name, where Chromium is not installed; `.ci/run` installs it.
 */

const SCREENSHOTS = path.resolve('out/screenshots');

let ws: DevWorkspace;
let servers: TestServers;
let dev: DevServer;
let browser: Browser;

describe.skipIf(!hasChromium)(browserSuite('sign-up in a browser'), () => {
  beforeAll(async () => {
    ws = await startDevWorkspace({ prefix: 'newsletter-browser-' });
    ({ servers, dev } = ws);
    browser = await launchChromium();
    await mkdir(SCREENSHOTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await ws?.stop();
  });

  it('fills in the form, submits it and sees the check-your-inbox page', async () => {
    const context = await browser.newContext({ viewport: { width: 375, height: 740 }, javaScriptEnabled: false });
    const page = await context.newPage();
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    await page.goto(`${dev.url}/`);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'signup-375.png'), fullPage: true });
    // The honeypot is off screen and out of the tab order; people never see it.
    const honeypot = await page.locator('input[name=website]').boundingBox();
    expect(honeypot === null || honeypot.x + honeypot.width <= 0).toBe(true);

    await page.getByLabel('電子郵件地址').fill('browser.reader@example.com');
    await page.getByLabel('電子報').selectOption('ai-talent');
    const before = sentCount(servers);
    await page.getByRole('button', { name: '訂閱' }).click();
    await page.waitForLoadState();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('請到收件匣確認');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'check-inbox-375.png'), fullPage: true });
    // The confirmation goes out after the answer; wait for the server's sign-up work.
    await dev.signUps.drain();
    expect(await mailsSince(servers, before, 'browser.reader@example.com')).toHaveLength(1);
    expect(violations).toEqual([]);
    await context.close();
  });

  it('opens the confirm link, changes nothing until the button is pressed, then confirms', async () => {
    const context = await browser.newContext({ viewport: { width: 375, height: 740 }, javaScriptEnabled: false });
    const page = await context.newPage();
    const email = 'browser.confirmer@example.com';
    const before = sentCount(servers);
    await page.goto(`${dev.url}/subscribe`);
    await page.getByLabel('電子郵件地址').fill(email);
    await page.getByRole('button', { name: '訂閱' }).click();
    await page.waitForLoadState();
    await dev.signUps.drain();
    const [mail] = await mailsSince(servers, before, email);
    const confirmUrl = linkIn(mail!, 'confirm')!;
    const status = async () => (await dev.app.subscribers.get('ai-talent', subscriberId(dev.app.tokenKey, email)))?.status;

    await page.goto(confirmUrl);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('確認訂閱');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'confirm-375.png'), fullPage: true });
    expect(await status()).toBe('pending');

    await page.getByRole('button', { name: '確認訂閱' }).click();
    await page.waitForLoadState();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('訂閱完成');
    expect(await status()).toBe('confirmed');
    // The page hands out no lasting link to the subscription's preferences or erasure.
    expect(await page.locator('a[href*="preferences"], a[href*="token="]').count()).toBe(0);
    await context.close();
  });

  it('lays the form out on a wide screen', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${dev.url}/subscribe`);
    const card = await page.locator('main').boundingBox();
    expect(card!.width).toBeLessThanOrEqual(520);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'signup-1280.png'), fullPage: true });
    await page.getByLabel('電子郵件地址').fill('not an address');
    // Without the browser's own check, the server's error shows next to the field.
    await page.locator('form').evaluate((form) => form.setAttribute('novalidate', ''));
    await page.getByRole('button', { name: '訂閱' }).click();
    await page.waitForLoadState();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('電子郵件地址似乎不正確');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'invalid-1280.png'), fullPage: true });
    await context.close();
  });
});
