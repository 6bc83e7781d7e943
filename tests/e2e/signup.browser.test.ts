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
    // The workspace has one newsletter: nothing to choose, so no drop-down.
    await expect(page.locator('select').count()).resolves.toBe(0);
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
    const status = async () => (await dev.app.subscribers.get('ai-talent', subscriberId(dev.app.tokenKeys.id, email)))?.status;

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
    // Not a dead end: it leads on to the archive.
    await page.getByRole('link', { name: '閱讀過去的電子報' }).click();
    await page.waitForLoadState();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('歷期電子報');
    await context.close();
  });

  it('follows the dark colour scheme on the sign-up page and the archive list, like the archived edition', async () => {
    const context = await browser.newContext({ viewport: { width: 375, height: 740 }, colorScheme: 'dark' });
    const page = await context.newPage();
    const luminance = (rgb: string) => {
      const [r, g, b] = (rgb.match(/\d+/g) ?? []).map(Number).map((c) => {
        const s = c / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    };
    for (const path of ['/', '/archive']) {
      await page.goto(`${dev.url}${path}`);
      const colours = await page.evaluate(() => {
        const style = (selector: string) => getComputedStyle(document.querySelector(selector)!);
        return { page: style('body').backgroundColor, card: style('main').backgroundColor, text: style('main').color, heading: style('h1').color };
      });
      expect(luminance(colours.page), `${path} page`).toBeLessThan(0.05);
      expect(luminance(colours.card), `${path} card`).toBeLessThan(0.05);
      // Light text on the dark card, at least 4.5:1.
      expect((luminance(colours.text) + 0.05) / (luminance(colours.card) + 0.05), `${path} text`).toBeGreaterThanOrEqual(4.5);
      expect((luminance(colours.heading) + 0.05) / (luminance(colours.card) + 0.05), `${path} heading`).toBeGreaterThanOrEqual(4.5);
      await page.screenshot({ path: path === '/' ? `${SCREENSHOTS}/signup-dark-375.png` : `${SCREENSHOTS}/archive-dark-375.png`, fullPage: true });
    }
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
