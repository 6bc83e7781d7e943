import { createHmac, timingSafeEqual } from 'node:crypto';
import { ConfigError } from './errors.js';

/**
 * What a token lets its holder do; a token for one purpose is refused for any other. `approve`,
 * `skip` and `edit` are an operator's review links and `view` opens a draft's page for its
 * reviewers; their subject is an edition (see reviewSubject). `erase` is only ever mailed to the
 * address itself, on request from its preferences page.
 */
export type TokenPurpose = 'confirm' | 'unsubscribe' | 'preferences' | 'erase' | 'approve' | 'skip' | 'edit' | 'view';

export interface TokenClaims {
  purpose: TokenPurpose;
  newsletterId: string;
  subscriberId: string;
  /** Epoch seconds; absent for tokens that do not expire (unsubscribe links in sent mail must keep working). */
  expiresAt?: number;
}

export type TokenCheck = { ok: true; claims: TokenClaims } | { ok: false; reason: 'malformed' | 'forged' | 'expired' | 'wrong-purpose' };

const VERSION = 'v1';
const PURPOSE_CODE: Record<TokenPurpose, string> = { confirm: 'c', unsubscribe: 'u', preferences: 'p', erase: 'e', approve: 'a', skip: 's', edit: 'd', view: 'v' };

/** Fewer bytes than this and a key can be guessed (an empty one signs tokens anyone can forge). */
export const MIN_TOKEN_KEY_BYTES = 32;

/**
 * Refuses a token key shorter than MIN_TOKEN_KEY_BYTES, naming where it came from, so a truncated
 * key file or a bad secret stops the program instead of signing forgeable links.
 */
export function checkTokenKey(key: Buffer, source: string, remedy: string): Buffer {
  if (key.length < MIN_TOKEN_KEY_BYTES) {
    throw new ConfigError(`token key from ${source} has ${key.length} bytes, fewer than the ${MIN_TOKEN_KEY_BYTES} needed: ${remedy}`);
  }
  return key;
}

/** Confirmation links expire after 7 days. */
export const CONFIRM_TOKEN_TTL_SECONDS = 7 * 24 * 3600;

/**
 * Erase-confirmation links expire after a day. Erasure cannot be undone, and the preferences link
 * that asks for one is in every edition (and in every forwarded one), so the erasure itself takes a
 * link that only the address received, and only for a short while.
 */
export const ERASE_TOKEN_TTL_SECONDS = 24 * 3600;

/**
 * Signs a token bound to the purpose, the newsletter and the subscriber (an address hash, so the
 * address itself never appears in a URL). HMAC-SHA256 with a secret key; URL-safe.
 *
 * @example
 * const token = signToken(key, { purpose: 'unsubscribe', newsletterId: 'weekly', subscriberId: id });
 */
export function signToken(key: Buffer, claims: TokenClaims): string {
  const body = [VERSION, PURPOSE_CODE[claims.purpose], claims.newsletterId, claims.subscriberId, claims.expiresAt?.toString(36) ?? ''].join('.');
  return `${body}.${mac(key, body)}`;
}

/** Checks signature (in constant time), purpose and expiry. `now` is epoch seconds. */
export function verifyToken(key: Buffer, token: string, purpose: TokenPurpose, now: number): TokenCheck {
  if (typeof token !== 'string' || token.length > 300) return { ok: false, reason: 'malformed' };
  const parts = token.split('.');
  if (parts.length !== 6 || parts[0] !== VERSION) return { ok: false, reason: 'malformed' };
  const [, code, newsletterId, subscriberId, expiry, signature] = parts as [string, string, string, string, string, string];
  if (!/^[a-z0-9-]{1,63}$/.test(newsletterId) || !/^[0-9a-f]{32}$/.test(subscriberId) || !/^[0-9a-z]*$/.test(expiry)) return { ok: false, reason: 'malformed' };
  const expected = Buffer.from(mac(key, parts.slice(0, 5).join('.')));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'forged' };
  const found = (Object.keys(PURPOSE_CODE) as TokenPurpose[]).find((p) => PURPOSE_CODE[p] === code);
  if (found !== purpose) return { ok: false, reason: 'wrong-purpose' };
  const expiresAt = expiry ? parseInt(expiry, 36) : undefined;
  if (expiresAt !== undefined && expiresAt < now) return { ok: false, reason: 'expired' };
  return { ok: true, claims: { purpose, newsletterId, subscriberId, ...(expiresAt !== undefined ? { expiresAt } : {}) } };
}

function mac(key: Buffer, body: string): string {
  return createHmac('sha256', key).update(body).digest('base64url');
}

/** The links every message carries for its reader. */
export function readerLinks(key: Buffer, baseUrl: string, newsletterId: string, subscriberId: string): { unsubscribeUrl: string; preferencesUrl: string } {
  const base = baseUrl.replace(/\/+$/, '');
  return {
    unsubscribeUrl: `${base}/unsubscribe?token=${signToken(key, { purpose: 'unsubscribe', newsletterId, subscriberId })}`,
    preferencesUrl: `${base}/preferences?token=${signToken(key, { purpose: 'preferences', newsletterId, subscriberId })}`,
  };
}
