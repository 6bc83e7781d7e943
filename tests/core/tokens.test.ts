import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CONFIRM_TOKEN_TTL_SECONDS, readerLinks, signToken, singleTokenKey, tokenKeyId, tokenKeysFrom, verifyToken } from '../../functions/core/tokens.js';
import { createHmac } from 'node:crypto';
import { subscriberId } from '../../functions/core/subscriber.js';

const key = randomBytes(32);
const id = subscriberId(key, 'reader@example.com');
const now = 1_800_000_000;

describe('tokens', () => {
  it('verifies a token it signed, for the same purpose', () => {
    const token = signToken(key, { purpose: 'unsubscribe', newsletterId: 'weekly', subscriberId: id });
    expect(verifyToken(singleTokenKey(key), token, 'unsubscribe', now)).toEqual({
      ok: true,
      claims: { purpose: 'unsubscribe', newsletterId: 'weekly', subscriberId: id },
    });
  });

  it('refuses a token signed with another key, whose key id it does not know', () => {
    const token = signToken(randomBytes(32), { purpose: 'unsubscribe', newsletterId: 'weekly', subscriberId: id });
    expect(verifyToken(singleTokenKey(key), token, 'unsubscribe', now)).toEqual({ ok: false, reason: 'unknown-key' });
  });

  it('refuses a token that names a known key id but was signed with another key', () => {
    const token = signToken(randomBytes(32), { purpose: 'unsubscribe', newsletterId: 'weekly', subscriberId: id });
    const claimed = token.replace(/^v2\.[^.]+\./, `v2.${tokenKeyId(key)}.`);
    expect(verifyToken(singleTokenKey(key), claimed, 'unsubscribe', now)).toEqual({ ok: false, reason: 'forged' });
    // Nor does dropping the key id (the form before key ids) let it pass.
    const legacy = token.replace(/^v2\.[^.]+\./, 'v1.');
    expect(verifyToken(singleTokenKey(key), legacy, 'unsubscribe', now)).toEqual({ ok: false, reason: 'forged' });
  });

  it('refuses a token whose newsletter or subscriber was changed', () => {
    const token = signToken(key, { purpose: 'unsubscribe', newsletterId: 'weekly', subscriberId: id });
    const other = subscriberId(key, 'someone-else@example.com');
    expect(verifyToken(singleTokenKey(key), token.replace(id, other), 'unsubscribe', now)).toMatchObject({ ok: false, reason: 'forged' });
    expect(verifyToken(singleTokenKey(key), token.replace('weekly', 'daily'), 'unsubscribe', now)).toMatchObject({ ok: false, reason: 'forged' });
  });

  it('refuses a confirmation token used to unsubscribe', () => {
    const token = signToken(key, { purpose: 'confirm', newsletterId: 'weekly', subscriberId: id, expiresAt: now + 60 });
    expect(verifyToken(singleTokenKey(key), token, 'unsubscribe', now)).toEqual({ ok: false, reason: 'wrong-purpose' });
  });

  it('refuses an expired confirmation token and accepts it before expiry', () => {
    const token = signToken(key, { purpose: 'confirm', newsletterId: 'weekly', subscriberId: id, expiresAt: now + CONFIRM_TOKEN_TTL_SECONDS });
    expect(verifyToken(singleTokenKey(key), token, 'confirm', now + CONFIRM_TOKEN_TTL_SECONDS - 1).ok).toBe(true);
    expect(verifyToken(singleTokenKey(key), token, 'confirm', now + CONFIRM_TOKEN_TTL_SECONDS + 1)).toEqual({ ok: false, reason: 'expired' });
  });

  it('calls garbage malformed without throwing', () => {
    for (const bad of ['', 'abc', 'v1.u.weekly', `${'x'.repeat(400)}`, 'v1.u.WEEKLY!.zz.1.sig', 'v2.u.weekly.0123.1.sig']) {
      expect(verifyToken(singleTokenKey(key), bad, 'unsubscribe', now)).toEqual({ ok: false, reason: 'malformed' });
    }
  });

  it('builds links that carry no address', () => {
    const links = readerLinks(key, 'https://news.example.com/', 'weekly', id);
    expect(links.unsubscribeUrl).toMatch(new RegExp(`^https://news\\.example\\.com/unsubscribe\\?token=v2\\.${tokenKeyId(key)}\\.u\\.weekly\\.`));
    expect(links.preferencesUrl).toMatch(new RegExp(`^https://news\\.example\\.com/preferences\\?token=v2\\.${tokenKeyId(key)}\\.p\\.weekly\\.`));
    expect(JSON.stringify(links)).not.toContain('reader');
  });
});

/** A token as every deployment signed it before key ids: `v1.<purpose>.<newsletter>.<subscriber>.<expiry>.<signature>`. */
function legacyToken(signingKey: Buffer, code: string, newsletterId: string, subscriber: string): string {
  const body = ['v1', code, newsletterId, subscriber, ''].join('.');
  return `${body}.${createHmac('sha256', signingKey).update(body).digest('base64url')}`;
}

describe('key rotation', () => {
  const original = Buffer.from('o'.repeat(64));
  const rotated = 'r'.repeat(64);
  const before = tokenKeysFrom(original, undefined, 'test');
  const during = tokenKeysFrom(original, JSON.stringify({ signingKey: rotated }), 'test');
  const after = tokenKeysFrom(original, JSON.stringify({ signingKey: rotated, acceptIdKey: false }), 'test');
  const reader = subscriberId(before.id, 'reader@example.com');

  it('keeps every subscriber id: ids come from the id key, which a rotation never changes', () => {
    expect(subscriberId(during.id, 'reader@example.com')).toBe(reader);
    expect(subscriberId(after.id, 'reader@example.com')).toBe(reader);
  });

  it('accepts links signed before the rotation during the overlap, with and without a key id', () => {
    const mailed = signToken(before.signing, { purpose: 'unsubscribe', newsletterId: 'weekly', subscriberId: reader });
    expect(verifyToken(during, mailed, 'unsubscribe', now)).toMatchObject({ ok: true, claims: { subscriberId: reader } });
    expect(verifyToken(during, legacyToken(original, 'u', 'weekly', reader), 'unsubscribe', now)).toMatchObject({ ok: true, claims: { subscriberId: reader } });
  });

  it('signs new links with the rotated key, named by its key id', () => {
    const fresh = signToken(during.signing, { purpose: 'unsubscribe', newsletterId: 'weekly', subscriberId: reader });
    expect(fresh.split('.')[1]).toBe(tokenKeyId(Buffer.from(rotated)));
    expect(fresh.split('.')[1]).not.toBe(tokenKeyId(original));
    expect(verifyToken(during, fresh, 'unsubscribe', now).ok).toBe(true);
    expect(verifyToken(before, fresh, 'unsubscribe', now)).toEqual({ ok: false, reason: 'unknown-key' });
  });

  it('refuses links of a retired key once the overlap ends', () => {
    const mailed = signToken(before.signing, { purpose: 'unsubscribe', newsletterId: 'weekly', subscriberId: reader });
    expect(verifyToken(after, mailed, 'unsubscribe', now)).toEqual({ ok: false, reason: 'unknown-key' });
    expect(verifyToken(after, legacyToken(original, 'u', 'weekly', reader), 'unsubscribe', now)).toEqual({ ok: false, reason: 'forged' });
  });

  it("accepts a second rotation's previous key listed in acceptedKeys", () => {
    const third = tokenKeysFrom(original, JSON.stringify({ signingKey: 't'.repeat(64), acceptedKeys: [rotated], acceptIdKey: false }), 'test');
    const mailed = signToken(during.signing, { purpose: 'preferences', newsletterId: 'weekly', subscriberId: reader });
    expect(verifyToken(third, mailed, 'preferences', now).ok).toBe(true);
  });

  it('refuses a signing-keys document with a short key or an unknown field, naming where it came from', () => {
    expect(() => tokenKeysFrom(original, JSON.stringify({ signingKey: 'short' }), 'secret arn:x')).toThrow(
      /^token key from secret arn:x \(signingKey\) has 5 bytes, fewer than the 32 needed/,
    );
    expect(() => tokenKeysFrom(original, JSON.stringify({ signingkey: rotated }), 'secret arn:x')).toThrow(
      /^signing keys from secret arn:x are not valid \(document: Unrecognized key/,
    );
  });
});
