import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { browserSuite, hasChromium, useReviewDesk } from '../support/browser.js';

/**
 * The operator's approve flow in Debian's Chromium on the `newsletter dev` server: the review
 * mail's link opens a confirmation page, nothing is sent until the button is pressed, then the
 * list gets the edition once. Skipped, with the reason in its name, where Chromium is not installed.
 */

describe.skipIf(!hasChromium)(browserSuite('approving a draft in a browser'), () => {
  const desk = useReviewDesk('newsletter-review-browser-');

  it("follows the operator's approve link to a confirmation page, and sends to the list only when the button is pressed, once", async () => {
    const { servers, dev, browser } = desk();
    await dev.runSchedule('ai-talent');
    const messages = servers.embedded.ses!.messages;
    expect(messages).toHaveLength(1);
    const review = await simpleParser(messages[0]!.raw);
    expect(review.to && !Array.isArray(review.to) && review.to.value[0]!.address).toBe('editor@example.com');
    const approveUrl = /href="([^"]+\/approve\?[^"]+)"/.exec(review.html || '')![1]!.replaceAll('&amp;', '&');

    const context = await browser.newContext({ viewport: { width: 375, height: 740 }, javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(approveUrl);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('寄出這一期？');
    // Opening the link (as a mail scanner would) sends nothing.
    expect(servers.embedded.ses!.messages).toHaveLength(1);

    await page.getByRole('button', { name: '核准並寄出' }).click();
    await page.waitForLoadState();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('已核准');
    // The approval started the run in the background; runSchedule hands back the one in progress.
    await dev.runSchedule('ai-talent');
    const sent = await Promise.all(servers.embedded.ses!.messages.slice(1).map((m) => simpleParser(m.raw)));
    expect(sent.map((m) => m.to && !Array.isArray(m.to) && m.to.value[0]!.address)).toEqual(['ann@example.com']);

    // The link works once.
    const again = await page.goto(approveUrl);
    expect(again!.status()).toBe(409);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('已經處理過');
    expect(servers.embedded.ses!.messages).toHaveLength(2);
    await context.close();
  });
});
