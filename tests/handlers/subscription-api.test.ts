import { createHash } from 'node:crypto';
import { parseHTML } from 'linkedom';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { subscriberId } from '../../functions/core/subscriber.js';
import { signToken } from '../../functions/core/tokens.js';
import { createSubscriptionApi } from '../../functions/handlers/http/subscription-app.js';
import { LAMBDA_SUBSCRIBE_ANSWER_MS } from '../../functions/handlers/subscription-api.js';
import type { HttpApiEvent, HttpApiResult } from '../../functions/handlers/http/http-event.js';
import { PAGE_WORDS } from '../../templates/i18n.js';
import { startTestServers, type TestServers } from '../support/local-servers.js';
import type { VirtualClock } from '../../functions/adapters/local/virtual-clock.js';
import { linkIn, mailsSince, recipientOf, sentCount, subscriptionDeps, testClock } from '../support/subscription-fixtures.js';

let servers: TestServers;
let clock: VirtualClock;
let deps: ReturnType<typeof subscriptionDeps>;
let api: ReturnType<typeof createSubscriptionApi>;

beforeAll(async () => {
  servers = await startTestServers();
  clock = testClock();
  deps = subscriptionDeps(servers, clock);
  api = createSubscriptionApi(deps);
});
afterAll(async () => servers?.stop());

function event(method: string, path: string, options: { body?: string; type?: string; base64?: boolean } = {}): HttpApiEvent {
  const [rawPath, rawQueryString = ''] = path.split('?') as [string, string?];
  return {
    version: '2.0',
    rawPath,
    rawQueryString,
    headers: { host: 'news.example.com', ...(options.type ? { 'content-type': options.type } : {}) },
    ...(options.body !== undefined
      ? { body: options.base64 ? Buffer.from(options.body).toString('base64') : options.body, isBase64Encoded: Boolean(options.base64) }
      : { isBase64Encoded: false }),
    requestContext: { http: { method, path: rawPath, sourceIp: '192.0.2.1' } },
  };
}

const form = (fields: Record<string, string>) => ({ body: new URLSearchParams(fields).toString(), type: 'application/x-www-form-urlencoded' });
const dom = (result: HttpApiResult) => parseHTML(result.body).document;

function expectSafeHeaders(result: HttpApiResult): void {
  expect(result.headers['x-content-type-options']).toBe('nosniff');
  expect(result.headers['referrer-policy']).toBe('no-referrer');
  expect(result.headers['cache-control']).toBe('no-store');
  expect(result.headers['content-type']).toMatch(/^(text\/html|application\/json); charset=utf-8$/);
  const csp = result.headers['content-security-policy'] ?? '';
  expect(csp).toContain("default-src 'none'");
  expect(csp).toContain("frame-ancestors 'none'");
  // Pages may post forms back to this origin only; JSON answers allow nothing at all.
  const isPage = result.headers['content-type']!.startsWith('text/html');
  expect(csp.includes("form-action 'self'")).toBe(isPage);
  expect(csp.includes("base-uri 'none'")).toBe(isPage);
  expect(csp).not.toContain('unsafe-inline');
}

async function confirmedSubscriber(email: string): Promise<{ unsubscribe: string; preferences: string }> {
  const before = sentCount(servers);
  await api(event('POST', '/subscribe', form({ email, newsletter: 'ai-talent' })));
  const [mail] = await mailsSince(servers, before, email);
  const confirmUrl = new URL(linkIn(mail!, 'confirm')!);
  expect((await api(event('POST', `/confirm${confirmUrl.search}`))).statusCode).toBe(200);
  const id = subscriberId(deps.tokenKeys.id, email);
  return {
    unsubscribe: signToken(deps.tokenKeys.signing, { purpose: 'unsubscribe', newsletterId: 'ai-talent', subscriberId: id }),
    preferences: signToken(deps.tokenKeys.signing, { purpose: 'preferences', newsletterId: 'ai-talent', subscriberId: id }),
  };
}

describe('subscription API: sign-up page', () => {
  it.each(['/', '/subscribe'])('serves an accessible sign-up form without JavaScript at %s', async (path) => {
    const result = await api(event('GET', path));
    expect(result.statusCode).toBe(200);
    expectSafeHeaders(result);
    const document = dom(result);
    expect(document.documentElement.getAttribute('lang')).toBe('zh-Hant');
    expect(document.querySelector('meta[name=viewport]')?.getAttribute('content')).toContain('width=device-width');
    expect(document.querySelector('script')).toBeNull();
    const formElement = document.querySelector('form')!;
    expect(formElement.getAttribute('method')).toBe('post');
    expect(document.querySelector('label[for=email]')?.textContent).toContain('電子郵件地址');
    expect(document.querySelector('input#email')?.getAttribute('type')).toBe('email');
    expect(document.querySelector('label[for=newsletter]')).not.toBeNull();
    expect(Array.from(document.querySelectorAll('select#newsletter option')).map((o) => o.getAttribute('value'))).toEqual(['ai-talent', 'weekly-en']);
    const honeypot = document.querySelector('input[name=website]')!;
    expect(honeypot.getAttribute('tabindex')).toBe('-1');
    expect(honeypot.closest('.hp')?.getAttribute('aria-hidden')).toBe('true');
  });

  it('shows no newsletter drop-down when there is only one newsletter to choose', async () => {
    const single = createSubscriptionApi({ ...deps, newsletters: deps.newsletters.slice(0, 1) });
    const document = dom(await single(event('GET', '/subscribe')));
    expect(document.querySelector('select')).toBeNull();
    expect(document.querySelector('label[for=newsletter]')).toBeNull();
    expect(document.querySelector('input[type=hidden][name=newsletter]')?.getAttribute('value')).toBe('ai-talent');
  });

  it('allows exactly its own stylesheet by hash', async () => {
    const result = await api(event('GET', '/'));
    const css = dom(result).querySelector('style')!.textContent!;
    const hash = createHash('sha256').update(css).digest('base64');
    expect(result.headers['content-security-policy']).toContain(`style-src 'sha256-${hash}'`);
  });

  it('speaks the language of the chosen newsletter', async () => {
    const document = dom(await api(event('GET', '/subscribe?newsletter=weekly-en')));
    expect(document.documentElement.getAttribute('lang')).toBe('en');
    expect(document.querySelector('h1')?.textContent).toBe('Subscribe');
    expect(document.querySelector('option[selected]')?.getAttribute('value')).toBe('weekly-en');
  });

  it('has the same page words in every language', () => {
    const keys = Object.keys(PAGE_WORDS.en).sort();
    for (const words of Object.values(PAGE_WORDS)) expect(Object.keys(words).sort()).toEqual(keys);
  });
});

describe('subscription API: POST /subscribe', () => {
  it('answers a form with the check-your-inbox page and mails a confirmation', async () => {
    const before = sentCount(servers);
    const result = await api(event('POST', '/subscribe', form({ email: 'form@example.com', newsletter: 'ai-talent', website: '' })));
    expect(result.statusCode).toBe(200);
    expectSafeHeaders(result);
    expect(dom(result).querySelector('h1')?.textContent).toBe('請到收件匣確認');
    expect(await mailsSince(servers, before, 'form@example.com')).toHaveLength(1);
  });

  it('reads base64-encoded forms, as API Gateway sends them', async () => {
    const before = sentCount(servers);
    const { body, type } = form({ email: 'base64@example.com', newsletter: 'weekly-en' });
    const result = await api(event('POST', '/subscribe', { body, type, base64: true }));
    expect(result.statusCode).toBe(200);
    expect(dom(result).querySelector('h1')?.textContent).toBe('Check your inbox');
    expect(await mailsSince(servers, before, 'base64@example.com')).toHaveLength(1);
  });

  it('accepts JSON and answers the same for known and new addresses', async () => {
    const json = (email: string) =>
      api(event('POST', '/subscribe', { body: JSON.stringify({ email, newsletter: 'ai-talent' }), type: 'application/json; charset=utf-8' }));
    const first = await json('json@example.com');
    const again = await json('json@example.com');
    const other = await json('json-other@example.com');
    expect(first.statusCode).toBe(202);
    expectSafeHeaders(first);
    expect(again).toEqual(first);
    expect(other).toEqual(first);
  });

  it('refuses hostile addresses with a 400 that echoes them escaped, and sends nothing', async () => {
    const before = sentCount(servers);
    for (const email of ['victim@example.com\r\nBcc: all@example.com', '<script>alert(1)</script>@example.com', 'x'.repeat(300), 'no-at-sign']) {
      const result = await api(event('POST', '/subscribe', form({ email, newsletter: 'ai-talent' })));
      expect(result.statusCode).toBe(400);
      expectSafeHeaders(result);
      expect(result.body).not.toContain('<script>');
      expect(dom(result).querySelector('#email-error')?.textContent).toContain('電子郵件地址似乎不正確');
      expect(dom(result).querySelector('input#email')?.getAttribute('aria-invalid')).toBe('true');
    }
    const json = await api(
      event('POST', '/subscribe', { body: JSON.stringify({ email: 'a@b.com\nBcc: c@d.com', newsletter: 'ai-talent' }), type: 'application/json' }),
    );
    expect(json.statusCode).toBe(400);
    expect(JSON.parse(json.body)).toMatchObject({ ok: false, error: 'invalid-email' });
    expect(sentCount(servers)).toBe(before);
  });

  it('refuses an unknown newsletter', async () => {
    const result = await api(
      event('POST', '/subscribe', { body: JSON.stringify({ email: 'ann@example.com', newsletter: 'secret-list' }), type: 'application/json' }),
    );
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body)).toMatchObject({ error: 'unknown-newsletter' });
    expect((await api(event('POST', '/subscribe', form({ email: 'ann@example.com', newsletter: '../../etc' })))).statusCode).toBe(400);
  });

  it('pretends to succeed when the honeypot is filled, and sends nothing', async () => {
    const before = sentCount(servers);
    const result = await api(event('POST', '/subscribe', form({ email: 'bot@example.com', newsletter: 'ai-talent', website: 'http://spam.example' })));
    expect(result.statusCode).toBe(200);
    expect(dom(result).querySelector('h1')?.textContent).toBe('請到收件匣確認');
    expect(sentCount(servers)).toBe(before);
  });

  it('answers 413 to a body over 16 KB, plain or base64', async () => {
    const big = form({ email: 'big@example.com', newsletter: 'ai-talent', website: '', padding: 'x'.repeat(16 * 1024) });
    for (const base64 of [false, true]) {
      const result = await api(event('POST', '/subscribe', { ...big, base64 }));
      expect(result.statusCode).toBe(413);
      expectSafeHeaders(result);
    }
    expect(await deps.subscribers.get('ai-talent', subscriberId(deps.tokenKeys.id, 'big@example.com'))).toBeUndefined();
  });

  it('answers 415 to a body it cannot read', async () => {
    const result = await api(event('POST', '/subscribe', { body: '<email/>', type: 'text/xml' }));
    expect(result.statusCode).toBe(415);
  });
});

describe('subscription API: links', () => {
  it('shows a confirm button on GET and changes nothing, so a mail scanner cannot finish a sign-up', async () => {
    const before = sentCount(servers);
    await api(event('POST', '/subscribe', form({ email: 'scanned-confirm@example.com', newsletter: 'ai-talent' })));
    const [mail] = await mailsSince(servers, before, 'scanned-confirm@example.com');
    const search = new URL(linkIn(mail!, 'confirm')!).search;
    for (let i = 0; i < 3; i++) {
      const result = await api(event('GET', `/confirm${search}`));
      expect(result.statusCode).toBe(200);
      expectSafeHeaders(result);
      expect(dom(result).querySelector('h1')?.textContent).toBe('確認訂閱');
      const formElement = dom(result).querySelector('form')!;
      expect(formElement.getAttribute('method')).toBe('post');
      expect(formElement.getAttribute('action')).toBe(`?token=${new URLSearchParams(search).get('token')}`);
    }
    expect((await deps.subscribers.get('ai-talent', subscriberId(deps.tokenKeys.id, 'scanned-confirm@example.com')))?.status).toBe('pending');
    expect(await mailsSince(servers, before + 1)).toHaveLength(0);
  });

  it('confirms on POST (the button) and shows a page that is never cached and holds no preferences or erase link', async () => {
    const before = sentCount(servers);
    await api(event('POST', '/subscribe', form({ email: 'link@example.com', newsletter: 'ai-talent' })));
    const [mail] = await mailsSince(servers, before, 'link@example.com');
    const result = await api(event('POST', `/confirm${new URL(linkIn(mail!, 'confirm')!).search}`, form({})));
    expect(result.statusCode).toBe(200);
    expectSafeHeaders(result);
    expect(dom(result).querySelector('h1')?.textContent).toBe('訂閱完成');
    expect(result.body).not.toContain('preferences');
    expect(result.body).not.toContain('token=');
    expect((await deps.subscribers.get('ai-talent', subscriberId(deps.tokenKeys.id, 'link@example.com')))?.status).toBe('confirmed');
    // Back on the link later: it says so and offers nothing more.
    const again = await api(event('GET', `/confirm${new URL(linkIn(mail!, 'confirm')!).search}`));
    expect(dom(again).querySelector('h1')?.textContent).toBe('訂閱完成');
    expect(again.body).not.toContain('token=');
  });

  it('shows a clear page for forged and expired confirmation links and changes nothing', async () => {
    const before = sentCount(servers);
    await api(event('POST', '/subscribe', form({ email: 'expiring@example.com', newsletter: 'ai-talent' })));
    const [mail] = await mailsSince(servers, before, 'expiring@example.com');
    const token = new URL(linkIn(mail!, 'confirm')!).searchParams.get('token')!;

    for (const method of ['GET', 'POST']) {
      const forged = await api(event(method, `/confirm?token=${token.slice(0, -2)}zz`));
      expect(forged.statusCode).toBe(400);
      expect(dom(forged).querySelector('h1')?.textContent).toBe('連結無效');
      expect((await api(event(method, '/confirm'))).statusCode).toBe(400);
    }

    clock.advance(8 * 24 * 3600 * 1000);
    try {
      for (const method of ['GET', 'POST']) {
        const expired = await api(event(method, `/confirm?token=${token}`));
        expect(expired.statusCode).toBe(410);
        expectSafeHeaders(expired);
        expect(dom(expired).querySelector('h1')?.textContent).toBe('連結已過期');
      }
    } finally {
      clock.advance(-8 * 24 * 3600 * 1000);
    }
    expect((await deps.subscribers.get('ai-talent', subscriberId(deps.tokenKeys.id, 'expiring@example.com')))?.status).toBe('pending');
  });

  it('shows a button on GET /unsubscribe and changes nothing', async () => {
    const { unsubscribe } = await confirmedSubscriber('scanned@example.com');
    const result = await api(event('GET', `/unsubscribe?token=${unsubscribe}`));
    expect(result.statusCode).toBe(200);
    expectSafeHeaders(result);
    const formElement = dom(result).querySelector('form')!;
    expect(formElement.getAttribute('method')).toBe('post');
    expect(formElement.getAttribute('action')).toBe(`?token=${unsubscribe}`);
    expect(formElement.querySelector('input[name=List-Unsubscribe]')?.getAttribute('value')).toBe('One-Click');
    expect((await deps.subscribers.get('ai-talent', subscriberId(deps.tokenKeys.id, 'scanned@example.com')))?.status).toBe('confirmed');
  });

  it('unsubscribes at once on an RFC 8058 one-click POST and answers 200', async () => {
    const { unsubscribe } = await confirmedSubscriber('one-click@example.com');
    const result = await api(
      event('POST', `/unsubscribe?token=${unsubscribe}`, { body: 'List-Unsubscribe=One-Click', type: 'application/x-www-form-urlencoded' }),
    );
    expect(result.statusCode).toBe(200);
    expectSafeHeaders(result);
    expect((await deps.subscribers.get('ai-talent', subscriberId(deps.tokenKeys.id, 'one-click@example.com')))?.status).toBe('unsubscribed');
  });

  it('accepts the one-click POST as multipart/form-data too', async () => {
    const { unsubscribe } = await confirmedSubscriber('multipart@example.com');
    const body = '--b\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--b--\r\n';
    const result = await api(event('POST', `/unsubscribe?token=${unsubscribe}`, { body, type: 'multipart/form-data; boundary=b' }));
    expect(result.statusCode).toBe(200);
    expect((await deps.subscribers.get('ai-talent', subscriberId(deps.tokenKeys.id, 'multipart@example.com')))?.status).toBe('unsubscribed');
  });

  it('says the reader already left when a used unsubscribe link is opened again, and offers no button', async () => {
    const { unsubscribe } = await confirmedSubscriber('left@example.com');
    expect(
      (await api(event('POST', `/unsubscribe?token=${unsubscribe}`, { body: 'List-Unsubscribe=One-Click', type: 'application/x-www-form-urlencoded' })))
        .statusCode,
    ).toBe(200);
    const again = await api(event('GET', `/unsubscribe?token=${unsubscribe}`));
    expect(again.statusCode).toBe(200);
    expect(dom(again).querySelector('h1')?.textContent).toBe('已取消訂閱');
    expect(dom(again).querySelector('form, button')).toBeNull();
    expect(dom(again).querySelector('a[href="subscribe?newsletter=ai-talent"]')).not.toBeNull();
  });

  it('links the archive from the confirmed page and says the latest edition is on its way, when one was sent', async () => {
    const first = await api(event('POST', '/subscribe', form({ email: 'first@example.com', newsletter: 'ai-talent' })));
    expect(first.statusCode).toBe(200);
    const before = sentCount(servers);
    const [mail] = await mailsSince(servers, before - 1, 'first@example.com');
    const noEdition = await api(event('POST', `/confirm${new URL(linkIn(mail!, 'confirm')!).search}`, form({})));
    expect(dom(noEdition).querySelector('a[href="archive?newsletter=ai-talent"]')?.textContent).toBe('閱讀過去的電子報');
    expect(noEdition.body).not.toContain('最新一期');

    const edition = {
      newsletterId: 'ai-talent',
      editionId: 'ai-talent-2026-03-01-0000aaaa',
      status: 'sent' as const,
      createdAt: '2026-03-01T08:00:00.000Z',
      subject: 'AI人才週報｜本週重點',
      date: '2026-03-01',
      articles: [],
    };
    await deps.editions.create(edition, {
      subject: edition.subject,
      html: '<p>Latest</p><a href="{{unsubscribe_url}}">x</a>',
      text: 'Latest {{unsubscribe_url}}',
    });
    const since = sentCount(servers);
    await api(event('POST', '/subscribe', form({ email: 'second@example.com', newsletter: 'ai-talent' })));
    const [second] = await mailsSince(servers, since, 'second@example.com');
    const withEdition = await api(event('POST', `/confirm${new URL(linkIn(second!, 'confirm')!).search}`, form({})));
    expect(dom(withEdition).querySelector('h1')?.textContent).toBe('訂閱完成');
    expect(withEdition.body).toContain('最新一期《AI人才週報｜本週重點》已寄到您的信箱');
    expect(dom(withEdition).querySelector('a[href="archive?newsletter=ai-talent"]')).not.toBeNull();
    expect(withEdition.body).not.toContain('token=');
  });

  it('answers 4xx to forged and unknown unsubscribe links and changes nothing', async () => {
    const { unsubscribe } = await confirmedSubscriber('target@example.com');
    const forged = await api(
      event('POST', `/unsubscribe?token=${unsubscribe.slice(0, -3)}abc`, { body: 'List-Unsubscribe=One-Click', type: 'application/x-www-form-urlencoded' }),
    );
    expect(forged.statusCode).toBe(400);
    const unknown = signToken(deps.tokenKeys.signing, {
      purpose: 'unsubscribe',
      newsletterId: 'ai-talent',
      subscriberId: subscriberId(deps.tokenKeys.id, 'stranger@example.com'),
    });
    expect((await api(event('POST', `/unsubscribe?token=${unknown}`, { body: 'List-Unsubscribe=One-Click' }))).statusCode).toBe(404);
    expect((await api(event('POST', '/unsubscribe', { body: 'List-Unsubscribe=One-Click' }))).statusCode).toBe(400);
    expect((await deps.subscribers.get('ai-talent', subscriberId(deps.tokenKeys.id, 'target@example.com')))?.status).toBe('confirmed');
  });

  it('changes newsletters from the preferences page', async () => {
    const email = 'prefs@example.com';
    const { preferences } = await confirmedSubscriber(email);
    const page = await api(event('GET', `/preferences?token=${preferences}`));
    expect(page.statusCode).toBe(200);
    expectSafeHeaders(page);
    expect(page.body).not.toContain(email);
    expect(page.body).toContain('p***@example.com');
    expect(Array.from(dom(page).querySelectorAll('input[name=newsletter]')).map((i) => [i.getAttribute('value'), i.hasAttribute('checked')])).toEqual([
      ['ai-talent', true],
      ['weekly-en', false],
    ]);

    const saved = await api(
      event('POST', `/preferences?token=${preferences}`, {
        body: 'action=save&newsletter=ai-talent&newsletter=weekly-en',
        type: 'application/x-www-form-urlencoded',
      }),
    );
    expect(saved.statusCode).toBe(200);
    expect((await deps.subscribers.get('weekly-en', subscriberId(deps.tokenKeys.id, email)))?.status).toBe('confirmed');
    expect((await api(event('POST', `/preferences?token=${preferences}`, form({ action: 'save', newsletter: 'unknown' })))).statusCode).toBe(400);
  });
});

describe('subscription API: erasure', () => {
  /** Presses "erase" on the preferences page; the link in the mail that reaches the address. */
  async function askToErase(email: string, preferences: string): Promise<{ page: HttpApiResult; link: string | undefined }> {
    const before = sentCount(servers);
    const page = await api(event('POST', `/preferences?token=${preferences}`, form({ action: 'erase' })));
    const mails = await mailsSince(servers, before);
    expect(mails.every((m) => recipientOf(m) === email)).toBe(true);
    return { page, link: mails[0] && linkIn(mails[0], 'erase') };
  }

  async function isErased(email: string): Promise<boolean> {
    const id = subscriberId(deps.tokenKeys.id, email);
    const gone = (await deps.subscribers.get('ai-talent', id)) === undefined && (await deps.subscribers.get('weekly-en', id)) === undefined;
    const suppressed = await deps.suppressions.isSuppressed(id);
    expect(gone).toBe(suppressed);
    return suppressed;
  }

  it('erases nothing from a preferences link alone: it mails the address a link to confirm and says to check the inbox', async () => {
    const email = 'forwarded@example.com';
    const { preferences } = await confirmedSubscriber(email);
    const { page, link } = await askToErase(email, preferences);
    expect(page.statusCode).toBe(200);
    expectSafeHeaders(page);
    expect(dom(page).querySelector('h1')?.textContent).toBe(PAGE_WORDS['zh-Hant'].checkInboxTitle);
    expect(dom(page).querySelector('p:not(.brand)')?.textContent).toBe(PAGE_WORDS['zh-Hant'].eraseRequestedBody);
    expect(page.body).not.toContain('token=');
    expect(await isErased(email)).toBe(false);
    expect((await deps.subscribers.get('ai-talent', subscriberId(deps.tokenKeys.id, email)))?.status).toBe('confirmed');
    expect(link).toMatch(/^https:\/\/news\.example\.com\/erase\?token=/);
  });

  it('shows a button on GET of the mailed link, erases only on its POST, and only once', async () => {
    const email = 'erase-me@example.com';
    const { preferences, unsubscribe } = await confirmedSubscriber(email);
    await api(
      event('POST', `/preferences?token=${preferences}`, {
        body: 'action=save&newsletter=ai-talent&newsletter=weekly-en',
        type: 'application/x-www-form-urlencoded',
      }),
    );
    const { link } = await askToErase(email, preferences);
    const search = new URL(link!).search;

    // A mail scanner fetches the link, perhaps more than once: nothing happens.
    for (let i = 0; i < 3; i++) {
      const shown = await api(event('GET', `/erase${search}`));
      expect(shown.statusCode).toBe(200);
      expectSafeHeaders(shown);
      expect(dom(shown).querySelector('h1')?.textContent).toBe(PAGE_WORDS['zh-Hant'].eraseConfirmTitle);
      const formElement = dom(shown).querySelector('form')!;
      expect(formElement.getAttribute('method')).toBe('post');
      expect(formElement.getAttribute('action')).toBe(search);
      expect(formElement.querySelector('button')?.textContent).toBe(PAGE_WORDS['zh-Hant'].eraseButton);
    }
    expect(await isErased(email)).toBe(false);

    // The preferences token (in every edition, maybe forwarded) is not an erase link.
    expect((await api(event('POST', `/erase?token=${preferences}`, form({})))).statusCode).toBe(400);
    expect(await isErased(email)).toBe(false);

    const erased = await api(event('POST', `/erase${search}`, form({})));
    expect(erased.statusCode).toBe(200);
    expectSafeHeaders(erased);
    expect(dom(erased).querySelector('h1')?.textContent).toBe('資料已刪除');
    expect(await isErased(email)).toBe(true);
    expect((await api(event('GET', `/unsubscribe?token=${unsubscribe}`))).statusCode).toBe(404);
    expect((await api(event('POST', `/erase${search}`, form({})))).statusCode).toBe(404);

    const before = sentCount(servers);
    expect((await api(event('POST', '/subscribe', form({ email, newsletter: 'ai-talent' })))).statusCode).toBe(200);
    expect(sentCount(servers)).toBe(before);
  });

  it('refuses an erase link after 24 hours and keeps the subscription', async () => {
    const email = 'late-eraser@example.com';
    const { preferences } = await confirmedSubscriber(email);
    const { link } = await askToErase(email, preferences);
    const search = new URL(link!).search;
    clock.advance(24 * 3600 * 1000 + 1000);
    try {
      for (const method of ['GET', 'POST']) {
        const expired = await api(event(method, `/erase${search}`, form({})));
        expect(expired.statusCode).toBe(410);
        expectSafeHeaders(expired);
        expect(dom(expired).querySelector('h1')?.textContent).toBe('連結已過期');
        expect(expired.body).toContain(PAGE_WORDS['zh-Hant'].eraseExpiredBody);
      }
    } finally {
      clock.advance(-(24 * 3600 * 1000 + 1000));
    }
    expect(await isErased(email)).toBe(false);
  });

  it('mails a few erase links an hour at most, so a forwarded edition cannot flood the reader', async () => {
    const email = 'flooded@example.com';
    const { preferences } = await confirmedSubscriber(email);
    const links: (string | undefined)[] = [];
    const titles = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const { page, link } = await askToErase(email, preferences);
      links.push(link);
      titles.add(`${page.statusCode} ${dom(page).querySelector('h1')?.textContent}`);
    }
    expect(links.filter(Boolean)).toHaveLength(3);
    expect(titles.size).toBe(1);
    expect(await isErased(email)).toBe(false);
  });
});

describe('subscription API: everything else', () => {
  it('answers 404 and 405 with safe headers', async () => {
    const missing = await api(event('GET', '/admin'));
    expect(missing.statusCode).toBe(404);
    expectSafeHeaders(missing);
    const wrongMethod = await api(event('DELETE', '/subscribe'));
    expect(wrongMethod.statusCode).toBe(405);
    expect(wrongMethod.headers.allow).toBe('GET, POST');
    const confirmWrong = await api(event('PUT', '/confirm'));
    expect(confirmWrong.statusCode).toBe(405);
    expect(confirmWrong.headers.allow).toBe('GET, POST');
  });

  it('answers 404, not 500, to an archive path that is not valid percent-encoding, and logs no error', async () => {
    const before = deps.logs.length;
    for (const path of ['/archive/%', '/archive/ai-talent-%E0%A4%A', '/archive/%ZZ', '/archive/feed.xml%']) {
      const result = await api(event('GET', path));
      expect(result.statusCode, path).toBe(404);
      expectSafeHeaders(result);
    }
    expect(deps.logs.slice(before).filter((l) => l.event === 'api.error')).toEqual([]);
  });

  it('answers 4xx, not 500, to malformed JSON, forms, query strings and base64 bodies', async () => {
    const before = deps.logs.length;
    const json = { type: 'application/json' };
    const requests: [HttpApiEvent, number][] = [
      [event('POST', '/subscribe', { body: '{"email":', ...json }), 400],
      [event('POST', '/subscribe', { body: 'null', ...json }), 400],
      [event('POST', '/subscribe', form({ email: '%', newsletter: '%E0%A4%A' })), 400],
      [event('POST', '/subscribe', { body: 'email=%&newsletter=%E0%A4%A', type: 'application/x-www-form-urlencoded' }), 400],
      [{ ...event('POST', '/subscribe', { body: '%%%not base64', type: 'application/x-www-form-urlencoded' }), isBase64Encoded: true }, 400],
      [event('GET', '/confirm?token=%'), 400],
      [event('POST', '/unsubscribe?token=%E0%A4%A'), 400],
      [event('POST', '/preferences?token=%ZZ', { body: '[', ...json }), 400],
      [event('GET', '/approve?edition=%&token=%'), 400],
      [event('GET', '/archive?newsletter=%'), 200],
    ];
    const answers: string[] = [];
    for (const [request] of requests)
      answers.push(`${request.requestContext.http.method} ${request.rawPath}?${request.rawQueryString} ${(await api(request)).statusCode}`);
    expect(answers).toEqual(
      requests.map(([request, status]) => `${request.requestContext.http.method} ${request.rawPath}?${request.rawQueryString} ${status}`),
    );
    expect(deps.logs.slice(before).filter((l) => l.event === 'api.error')).toEqual([]);
  });

  it('refuses an event that is not an HTTP API event', async () => {
    const result = await api({ foo: 'bar' } as unknown as HttpApiEvent);
    expect(result.statusCode).toBe(400);
    expectSafeHeaders(result);
  });

  it('never logs an address', async () => {
    const before = deps.logs.length;
    const email = 'never-logged@example.com';
    const { unsubscribe, preferences } = await confirmedSubscriber(email);
    await api(event('POST', '/subscribe', form({ email, newsletter: 'weekly-en' })));
    await api(event('POST', '/subscribe', form({ email: 'no-domain@', newsletter: 'ai-talent' })));
    await api(event('POST', `/preferences?token=${preferences}`, form({ action: 'erase' })));
    await api(event('POST', `/unsubscribe?token=${unsubscribe}`));
    const logs = deps.logs.slice(before);
    expect(logs.length).toBeGreaterThan(5);
    expect(JSON.stringify(logs)).not.toContain('@');
    // Nor did any test that ran before this one in the file.
    expect(JSON.stringify(deps.logs)).not.toContain('@');
  });
});

/** A port whose every call takes `ms` on the fake clock, as a real store or SES call takes time. */
function slow<T extends object>(target: T, ms: number, on: VirtualClock): T {
  return new Proxy(target, {
    get(t, prop, receiver) {
      const value = Reflect.get(t, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        on.advance(ms);
        return (value as (...a: unknown[]) => unknown).apply(t, args);
      };
    },
  });
}

describe('subscription API: POST /subscribe on Lambda answers at a fixed time', () => {
  it('answers 1.5 s after arrival whatever the address state, though the work before it differs in length', async () => {
    const lambdaClock = testClock();
    const base = subscriptionDeps(servers, lambdaClock);
    const sleep = vi.spyOn(lambdaClock, 'sleep');
    // Store calls take 4 ms and a send 30 ms on the fake clock; the work runs inline, as on Lambda.
    const lambda = createSubscriptionApi({
      ...base,
      subscribers: slow(base.subscribers, 4, lambdaClock),
      suppressions: slow(base.suppressions, 4, lambdaClock),
      signUpLimitStore: slow(base.signUpLimitStore, 4, lambdaClock),
      mailer: slow(base.mailer, 30, lambdaClock),
      subscribeAnswerMs: LAMBDA_SUBSCRIBE_ANSWER_MS,
    });
    const signUp = (email: string) => lambda(event('POST', '/subscribe', form({ email, newsletter: 'ai-talent' })));
    await signUp('lambda-confirmed@example.com');
    const [mail] = await mailsSince(servers, sentCount(servers) - 1, 'lambda-confirmed@example.com');
    await lambda(event('POST', `/confirm${new URL(linkIn(mail!, 'confirm')!).search}`));
    await base.suppressions.suppress(subscriberId(base.tokenKeys.id, 'lambda-erased@example.com'), 'erased', lambdaClock.now().toISOString());
    lambdaClock.advance(3600_000);

    const durations: number[] = [];
    const bodies = new Set<string>();
    for (const email of ['lambda-new@example.com', 'lambda-confirmed@example.com', 'lambda-erased@example.com']) {
      sleep.mockClear();
      const arrived = lambdaClock.now().getTime();
      const result = await signUp(email);
      durations.push(lambdaClock.now().getTime() - arrived);
      bodies.add(`${result.statusCode} ${result.body}`);
      expect(sleep).toHaveBeenCalledTimes(1);
    }
    expect(durations).toEqual([LAMBDA_SUBSCRIBE_ANSWER_MS, LAMBDA_SUBSCRIBE_ANSWER_MS, LAMBDA_SUBSCRIBE_ANSWER_MS]);
    expect(bodies.size).toBe(1);
  });
});
