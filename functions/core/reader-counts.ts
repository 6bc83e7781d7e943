import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/**
 * Opens and clicks, counted per edition for a newsletter that opts in (`countOpensAndClicks`),
 * without storing who opened or clicked: the open pixel and the click links carry the newsletter
 * and edition ids and, for a click, the target, never a reader id. Each URL is signed, so a click
 * link redirects only to a target the edition itself carried (no open redirect) and nobody can
 * count for an edition by making URLs up.
 */

const LABEL = 'keypoints-newsletter reader counts v1';
const derived = new WeakMap<Buffer, Buffer>();

/** The key of these signatures, derived from the token key for this purpose only. */
function countsKey(tokenKey: Buffer): Buffer {
  let key = derived.get(tokenKey);
  if (!key) {
    key = Buffer.from(hkdfSync('sha256', tokenKey, Buffer.alloc(0), LABEL, 32));
    derived.set(tokenKey, key);
  }
  return key;
}

export type CountKind = 'open' | 'click';

/** 128 bits of HMAC-SHA256 over the kind, newsletter, edition and target, base64url. */
export function countSignature(tokenKey: Buffer, kind: CountKind, newsletterId: string, editionId: string, target = ''): string {
  return createHmac('sha256', countsKey(tokenKey)).update([kind, newsletterId, editionId, target].join('\0')).digest().subarray(0, 16).toString('base64url');
}

/** Whether `signature` is the one for these values (compared in constant time). */
export function checkCountSignature(tokenKey: Buffer, kind: CountKind, newsletterId: string, editionId: string, target: string, signature: string): boolean {
  const expected = Buffer.from(countSignature(tokenKey, kind, newsletterId, editionId, target));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The open pixel of an edition. */
export function openPixelUrl(tokenKey: Buffer, baseUrl: string, newsletterId: string, editionId: string): string {
  const q = new URLSearchParams({ n: newsletterId, e: editionId, s: countSignature(tokenKey, 'open', newsletterId, editionId) });
  return `${baseUrl.replace(/\/+$/u, '')}/open?${q}`;
}

/** A counted link to `target`, one of the edition's own links. */
export function clickUrl(tokenKey: Buffer, baseUrl: string, newsletterId: string, editionId: string, target: string): string {
  const q = new URLSearchParams({ n: newsletterId, e: editionId, u: target, s: countSignature(tokenKey, 'click', newsletterId, editionId, target) });
  return `${baseUrl.replace(/\/+$/u, '')}/click?${q}`;
}
