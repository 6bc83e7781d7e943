import { parseHTML } from 'linkedom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EditionRecord } from '../../functions/core/edition-lifecycle.js';
import { countSignature } from '../../functions/core/reader-counts.js';
import type { HttpApiEvent } from '../../functions/handlers/http/http-event.js';
import { createSubscriptionApi } from '../../functions/handlers/http/subscription-app.js';
import { renderEdition } from '../../functions/render/render-edition.js';
import { publicCopy } from '../../functions/use-cases/archive.js';
import { sampleEnglishEdition } from '../fixtures/sample-editions.js';
import { startTestServers, type TestServers } from '../support/local-servers.js';
import { subscriptionDeps, testClock, testNewsletters } from '../support/subscription-fixtures.js';

/**
 * Opens and clicks of a newsletter that opts in (countOpensAndClicks), through the subscription
 * API over dynalite: counted per edition from signed URLs that name no reader; a click redirects
 * only to a link the edition carried.
 */
let servers: TestServers;
let deps: ReturnType<typeof subscriptionDeps>;
let api: ReturnType<typeof createSubscriptionApi>;
const newsletters = testNewsletters().map((n) => ({ ...n, countOpensAndClicks: n.id === 'weekly-en' }));
const model = { ...sampleEnglishEdition, newsletterId: 'weekly-en', editionId: 'weekly-en-2025-07-14-8d7e6f5a' } as typeof sampleEnglishEdition;

beforeAll(async () => {
  servers = await startTestServers();
  deps = subscriptionDeps(servers, testClock(), newsletters);
  api = createSubscriptionApi(deps);
});
afterAll(async () => servers?.stop());

function get(url: string): HttpApiEvent {
  const { pathname, search } = new URL(url);
  return {
    version: '2.0',
    rawPath: pathname,
    rawQueryString: search.slice(1),
    headers: { host: 'news.example.com' },
    isBase64Encoded: false,
    requestContext: { http: { method: 'GET', path: pathname, sourceIp: '192.0.2.1' } },
  };
}

async function stored(newsletterId: string, editionId: string) {
  const rendered = await renderEdition(
    { ...model, newsletterId, editionId },
    newsletterId === 'weekly-en' ? { counting: { tokenKey: deps.tokenKeys.id, baseUrl: 'https://news.example.com' } } : {},
  );
  const record: EditionRecord = {
    newsletterId,
    editionId,
    status: 'sent',
    createdAt: '2025-07-14T08:00:00.000Z',
    subject: model.subject,
    date: model.date,
    articles: [],
  };
  await deps.editions.create(record, rendered);
  return rendered;
}

describe('opens and clicks (countOpensAndClicks)', () => {
  it('counts pixel loads and clicks per edition, redirecting a click to the article, with no reader in any URL', async () => {
    const rendered = await stored('weekly-en', model.editionId);
    const doc = parseHTML(rendered.html).document as unknown as Document;
    // Said plainly to readers, in the HTML and the text footer.
    expect(doc.body.textContent).toContain('This newsletter counts how often each edition is opened and its links are clicked');
    expect(rendered.text.replace(/\s+/gu, ' ')).toContain('This newsletter counts how often each edition is opened');
    const pixel = doc.querySelector('img[data-open-pixel]')!.getAttribute('src')!;
    const clicks = Array.from(doc.querySelectorAll('a'))
      .map((a) => a.getAttribute('href')!)
      .filter((h) => h.includes('/click?'));
    // Every link to an article goes through the click route; none goes there directly.
    const targets = model.articles.flatMap((a) => (a.url ? [a.url] : []));
    expect(new Set(clicks.map((h) => new URL(h).searchParams.get('u')))).toEqual(new Set(targets));
    expect(Array.from(doc.querySelectorAll('a')).filter((a) => targets.includes(a.getAttribute('href')!))).toHaveLength(0);
    // Only the newsletter, the edition, the target and the signature: nothing names a reader.
    for (const url of [pixel, ...clicks])
      expect([...new URL(url).searchParams.keys()].sort()).toEqual(url.includes('/click?') ? ['e', 'n', 's', 'u'] : ['e', 'n', 's']);

    for (let i = 0; i < 2; i++) {
      const answer = await api(get(pixel));
      expect(answer).toMatchObject({
        statusCode: 200,
        isBase64Encoded: true,
        headers: expect.objectContaining({ 'content-type': 'image/gif', 'cache-control': 'no-store' }),
      });
    }
    const click = await api(get(clicks[0]!));
    expect(click.statusCode).toBe(302);
    expect(click.headers.location).toBe(new URL(clicks[0]!).searchParams.get('u'));
    expect(click.headers.location).toBe(model.articles.find((a) => a.url)!.url);
    expect((await deps.editions.get('weekly-en', model.editionId))?.counts).toMatchObject({ opens: 2, clicks: 1 });
  });

  it('never redirects to a target the edition did not carry, and counts nothing for it', async () => {
    const forged = new URL(
      (await stored('weekly-en', 'weekly-en-2025-07-21-00000001')).html.match(/https:\/\/news\.example\.com\/click\?[^"]+/u)![0].replaceAll('&amp;', '&'),
    );
    forged.searchParams.set('u', 'https://evil.example/phish');
    const answer = await api(get(forged.href));
    expect(answer.statusCode).toBe(400);
    expect(answer.headers.location).toBeUndefined();
    const unsigned = await api(get('https://news.example.com/click?n=weekly-en&e=weekly-en-2025-07-21-00000001&u=https%3A%2F%2Fevil.example%2F'));
    expect(unsigned.statusCode).toBe(400);
    expect(unsigned.headers.location).toBeUndefined();
    expect((await deps.editions.get('weekly-en', 'weekly-en-2025-07-21-00000001'))?.counts?.clicks ?? 0).toBe(0);
  });

  it('counts nothing for a newsletter that does not opt in, and its editions carry no pixel, counted link or notice', async () => {
    const rendered = await stored('ai-talent', 'ai-talent-2025-07-14-00000002');
    expect(rendered.html).not.toContain('data-open-pixel');
    expect(rendered.html).not.toContain('/click?');
    const signature = countSignature(deps.tokenKeys.id, 'open', 'ai-talent', 'ai-talent-2025-07-14-00000002');
    expect((await api(get(`https://news.example.com/open?n=ai-talent&e=ai-talent-2025-07-14-00000002&s=${signature}`))).statusCode).toBe(200);
    expect((await deps.editions.get('ai-talent', 'ai-talent-2025-07-14-00000002'))?.counts?.opens ?? 0).toBe(0);
  });

  it('leaves the pixel out of the public archive copy and links it straight to the articles', async () => {
    const rendered = await stored('weekly-en', 'weekly-en-2025-07-28-00000003');
    const copy = publicCopy(newsletters[1]!, 'weekly-en-2025-07-28-00000003', rendered);
    expect(copy.html).not.toContain('data-open-pixel');
    expect(copy.html).not.toContain('/click?');
    expect(copy.html).toContain(`href="${model.articles.find((a) => a.url)!.url}"`);
  });
});
