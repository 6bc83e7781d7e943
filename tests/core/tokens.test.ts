import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CONFIRM_TOKEN_TTL_SECONDS, readerLinks, signToken, verifyToken } from '../../functions/core/tokens.js';
import { subscriberId } from '../../functions/core/subscriber.js';

const key = randomBytes(32);
const id = subscriberId(key, 'reader@example.com');
const now = 1_800_000_000;

describe('tokens', () => {
  it('verifies a token it signed, for the same purpose', () => {
    const token = signToken(key, { purpose: 'unsubscribe', newsletterId: 'weekly', subscriberId: id });
    expect(verifyToken(key, token, 'unsubscribe', now)).toEqual({ ok: true, claims: { purpose: 'unsubscribe', newsletterId: 'weekly', subscriberId: id } });
  });

  it('refuses a token signed with another key', () => {
    const token = signToken(randomBytes(32), { purpose: 'unsubscribe', newsletterId: 'weekly', subscriberId: id });
    expect(verifyToken(key, token, 'unsubscribe', now)).toEqual({ ok: false, reason: 'forged' });
  });

  it('refuses a token whose newsletter or subscriber was changed', () => {
    const token = signToken(key, { purpose: 'unsubscribe', newsletterId: 'weekly', subscriberId: id });
    const other = subscriberId(key, 'someone-else@example.com');
    expect(verifyToken(key, token.replace(id, other), 'unsubscribe', now)).toMatchObject({ ok: false, reason: 'forged' });
    expect(verifyToken(key, token.replace('weekly', 'daily'), 'unsubscribe', now)).toMatchObject({ ok: false, reason: 'forged' });
  });

  it('refuses a confirmation token used to unsubscribe', () => {
    const token = signToken(key, { purpose: 'confirm', newsletterId: 'weekly', subscriberId: id, expiresAt: now + 60 });
    expect(verifyToken(key, token, 'unsubscribe', now)).toEqual({ ok: false, reason: 'wrong-purpose' });
  });

  it('refuses an expired confirmation token and accepts it before expiry', () => {
    const token = signToken(key, { purpose: 'confirm', newsletterId: 'weekly', subscriberId: id, expiresAt: now + CONFIRM_TOKEN_TTL_SECONDS });
    expect(verifyToken(key, token, 'confirm', now + CONFIRM_TOKEN_TTL_SECONDS - 1).ok).toBe(true);
    expect(verifyToken(key, token, 'confirm', now + CONFIRM_TOKEN_TTL_SECONDS + 1)).toEqual({ ok: false, reason: 'expired' });
  });

  it('calls garbage malformed without throwing', () => {
    for (const bad of ['', 'abc', 'v1.u.weekly', `${'x'.repeat(400)}`, 'v1.u.WEEKLY!.zz.1.sig', 'v2.u.weekly.0123.1.sig']) {
      expect(verifyToken(key, bad, 'unsubscribe', now)).toEqual({ ok: false, reason: 'malformed' });
    }
  });

  it('builds links that carry no address', () => {
    const links = readerLinks(key, 'https://news.example.com/', 'weekly', id);
    expect(links.unsubscribeUrl).toMatch(/^https:\/\/news\.example\.com\/unsubscribe\?token=v1\.u\.weekly\./);
    expect(links.preferencesUrl).toMatch(/^https:\/\/news\.example\.com\/preferences\?token=v1\.p\.weekly\./);
    expect(JSON.stringify(links)).not.toContain('reader');
  });
});
