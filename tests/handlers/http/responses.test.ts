import { describe, expect, it } from 'vitest';
import { confirmedPage, html, json, linkFailurePage } from '../../../functions/handlers/http/responses.js';
import { testNewsletters } from '../../support/subscription-fixtures.js';

const [zh, en] = testNewsletters();

const SAFE_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cache-control': 'no-store',
};

describe('html and json responses', () => {
  it('carry the safe headers, a content security policy and their content type', () => {
    const page = html(200, '<p>hi</p>');
    expect(page.headers).toMatchObject({ ...SAFE_HEADERS, 'content-type': 'text/html; charset=utf-8' });
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    const answer = json(400, { error: 'email is not an address' });
    expect(answer.headers).toMatchObject({
      ...SAFE_HEADERS,
      'content-type': 'application/json; charset=utf-8',
      'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    });
    expect(JSON.parse(answer.body)).toEqual({ error: 'email is not an address' });
    expect(answer.statusCode).toBe(400);
  });
});

describe('pages', () => {
  it('confirms in the newsletter’s language, under its title, with no lasting preferences link', () => {
    const page = confirmedPage(zh!);
    expect(page.statusCode).toBe(200);
    expect(page.headers).toMatchObject(SAFE_HEADERS);
    expect(page.body).toContain('lang="zh-Hant"');
    expect(page.body).toContain('AI 人才週報');
    expect(page.body).not.toContain('preferences');
  });

  it('answers an expired link with 410, a bad one with 400, and one naming nobody with 404 under the newsletter’s title', () => {
    const expired = linkFailurePage({ ok: false, reason: 'expired' }, 'confirm', 'en');
    expect(expired.statusCode).toBe(410);
    expect(expired.body).toContain('href="subscribe"');
    const invalid = linkFailurePage({ ok: false, reason: 'invalid' }, 'unsubscribe', 'en');
    expect(invalid.statusCode).toBe(400);
    // Only a confirmation link leads back to the sign-up form.
    expect(invalid.body).not.toContain('href="subscribe');
    const gone = linkFailurePage({ ok: false, reason: 'not-found', newsletter: en! }, 'confirm', 'zh-Hant');
    expect(gone.statusCode).toBe(404);
    expect(gone.body).toContain('AI Weekly');
    expect(gone.body).toContain('lang="en"');
    expect(gone.body).toContain('href="subscribe?newsletter=weekly-en"');
    for (const page of [expired, invalid, gone]) expect(page.headers).toMatchObject(SAFE_HEADERS);
  });
});
