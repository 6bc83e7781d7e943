import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { browserSuite, hasChromium, useReviewDesk } from '../support/browser.js';

/**
 * The editor's desk in Debian's Chromium (JavaScript off, as a locked-down mail client's browser
 * might be) on the `newsletter dev` server: the review mail's edit link opens the draft, the editor
 * removes a key point, swaps two, rewrites the subject and sends; the list gets exactly that
 * edition, once, and so does the archive.
 */

describe.skipIf(!hasChromium)(browserSuite('editing a draft in a browser'), () => {
  const desk = useReviewDesk('newsletter-edit-browser-');

  it('sends the list exactly the edition the editor made: a key point removed, two swapped, a new subject', async () => {
    const { servers, dev, browser } = desk();
    await dev.runSchedule('ai-talent');
    const messages = servers.embedded.ses!.messages;
    expect(messages).toHaveLength(1);
    const review = await simpleParser(messages[0]!.raw);
    const editUrl = /href="([^"]+\/edit\?[^"]+)"/.exec(review.html || '')![1]!.replaceAll('&amp;', '&');

    const context = await browser.newContext({ viewport: { width: 375, height: 740 }, javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(editUrl);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('編輯這份草稿');
    // Opening the page (as a mail scanner would) changes and sends nothing.
    expect(servers.embedded.ses!.messages).toHaveLength(1);

    const points = (await page.locator('#points-0').inputValue()).split('\n');
    expect(points.length).toBeGreaterThanOrEqual(3);
    const removed = points.at(-1)!;
    const edited = [points[1]!, points[0]!, ...points.slice(2, -1)];
    await page.locator('#points-0').fill(edited.join('\n'));
    const subject = 'AI 人才週報｜本週精選：頂尖人才之爭';
    await page.getByLabel('主旨').fill(subject);
    await page.getByRole('button', { name: '儲存並寄給名單' }).click();
    await page.waitForLoadState();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('已核准');

    // The approval started the run in the background; runSchedule hands back the one in progress.
    await dev.runSchedule('ai-talent');
    await dev.runSchedule('ai-talent');
    const sent = await Promise.all(servers.embedded.ses!.messages.slice(1).map((m) => simpleParser(m.raw)));
    expect(sent.map((m) => m.to && !Array.isArray(m.to) && m.to.value[0]!.address)).toEqual(['ann@example.com']);
    const mail = sent[0]!;
    expect(mail.subject).toBe(subject);
    const html = mail.html || '';
    expect(html.indexOf(edited[0]!)).toBeGreaterThan(-1);
    expect(html.indexOf(edited[0]!)).toBeLessThan(html.indexOf(edited[1]!));
    expect(html).not.toContain(removed);

    // What changed is kept with the edition.
    const editionId = /\/archive\/([^"?&]+)/.exec(html)![1]!;
    const record = await dev.app.editions.get('ai-talent', editionId);
    expect(record?.status).toBe('sent');
    expect(record?.subject).toBe(subject);
    expect(record?.edits).toHaveLength(1);
    expect(record?.edits?.[0]?.changes.join('\n')).toMatch(/subject:[\s\S]*removed key point[\s\S]*key points reordered/);
    expect((await dev.app.editions.getModel('ai-talent', editionId))?.original.articles[0]?.keyPoints).toEqual(points);

    // The archive shows the edition as the list got it.
    const archived = await page.goto(`${dev.url}/archive/${editionId}`);
    expect(archived!.status()).toBe(200);
    // biome-ignore lint/performance/useDomNodeTextContent: the text as a reader sees it laid out, not the DOM's textContent.
    const text = await page.locator('body').innerText();
    expect(text.indexOf(edited[0]!)).toBeGreaterThan(-1);
    expect(text.indexOf(edited[0]!)).toBeLessThan(text.indexOf(edited[1]!));
    expect(text).not.toContain(removed);
    await context.close();
  });
});
