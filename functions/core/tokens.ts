import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
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

export type TokenCheck = { ok: true; claims: TokenClaims } | { ok: false; reason: 'malformed' | 'forged' | 'unknown-key' | 'expired' | 'wrong-purpose' };

/**
 * The keys of one deployment. Links are signed with `signing` and carry its key id; a link is
 * accepted when signed by `signing` or one of `accepted` (the keys of the overlap after a rotation).
 * Subscriber ids and pseudonyms are keyed by `id`, which never rotates: a new id key would give
 * every address a new id and detach its subscription and suppression.
 */
export interface TokenKeys {
  signing: Buffer;
  accepted: readonly Buffer[];
  id: Buffer;
}

/**
 * The keys of a deployment that never rotated: its one key signs, is accepted and keys ids, as
 * every deployment did before rotation existed (so their ids and links stay as they are).
 */
export function singleTokenKey(key: Buffer): TokenKeys {
  return { signing: key, accepted: [], id: key };
}

const signingKeysDocument = z
  .object({
    signingKey: z.string().optional(),
    acceptedKeys: z.array(z.string()).optional(),
    acceptIdKey: z.boolean().optional(),
  })
  .strict();

/**
 * The keys of a deployment from its id key and its signing-keys document (JSON, absent before the
 * first rotation):
 *
 * - `signingKey`: signs new links (absent: the id key signs, as before any rotation);
 * - `acceptedKeys`: other keys whose links are still accepted (the overlap);
 * - `acceptIdKey`: whether links signed by the id key are still accepted (default true, so a
 *   rotation never breaks the links already mailed until the operator says so).
 *
 * Keys are strings of at least MIN_TOKEN_KEY_BYTES bytes (their UTF-8 bytes are the key, as for the
 * id key's secret). A document that does not parse is refused with where it came from.
 *
 * @example
 * tokenKeysFrom(idKey, '{"signingKey":"…","acceptIdKey":true}', 'secret arn:…');
 */
export function tokenKeysFrom(idKey: Buffer, document: string | undefined, source: string): TokenKeys {
  if (document === undefined || document.trim() === '') return singleTokenKey(idKey);
  const remedy =
    'write {"signingKey": "<at least 32 random characters>", "acceptedKeys": [...], "acceptIdKey": true} (see docs/security.md, "Rotating the link key")';
  let json: unknown;
  try {
    json = JSON.parse(document);
  } catch {
    throw new ConfigError(`signing keys from ${source} are not JSON: ${remedy}`);
  }
  const parsed = signingKeysDocument.safeParse(json);
  if (!parsed.success)
    throw new ConfigError(
      `signing keys from ${source} are not valid (${parsed.error.issues.map((i) => `${i.path.join('.') || 'document'}: ${i.message}`).join('; ')}): ${remedy}`,
    );
  const key = (text: string, name: string) => checkTokenKey(Buffer.from(text, 'utf8'), `${source} (${name})`, remedy);
  const signing = parsed.data.signingKey === undefined ? idKey : key(parsed.data.signingKey, 'signingKey');
  const accepted = (parsed.data.acceptedKeys ?? []).map((k, i) => key(k, `acceptedKeys[${i}]`));
  if (parsed.data.acceptIdKey !== false && signing !== idKey) accepted.push(idKey);
  return { signing, accepted, id: idKey };
}

/** Tokens signed before key ids existed: no key id, checked against every accepted key. */
const LEGACY_VERSION = 'v1';
/** Tokens with a key id: `v2.<key id>.<purpose>.<newsletter>.<subscriber>.<expiry>.<signature>`. */
const VERSION = 'v2';
const KEY_ID_LABEL = 'keypoints-newsletter token key id';
const keyIds = new WeakMap<Buffer, string>();

/**
 * A key's id: 8 characters of an HMAC of a fixed label under the key. It names the key in every
 * token and log without revealing anything about it, and cannot disagree with the key it names.
 */
export function tokenKeyId(key: Buffer): string {
  let id = keyIds.get(key);
  if (!id) {
    id = createHmac('sha256', key).update(KEY_ID_LABEL).digest('base64url').slice(0, 8);
    keyIds.set(key, id);
  }
  return id;
}
const PURPOSE_CODE: Record<TokenPurpose, string> = {
  confirm: 'c',
  unsubscribe: 'u',
  preferences: 'p',
  erase: 'e',
  approve: 'a',
  skip: 's',
  edit: 'd',
  view: 'v',
};

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
  const body = [VERSION, tokenKeyId(key), PURPOSE_CODE[claims.purpose], claims.newsletterId, claims.subscriberId, claims.expiresAt?.toString(36) ?? ''].join(
    '.',
  );
  return `${body}.${mac(key, body)}`;
}

/**
 * Checks signature (in constant time), purpose and expiry. `now` is epoch seconds. A token names
 * its key: one whose key is neither the signing key nor an accepted one is refused as
 * `unknown-key` (signed with a retired key, or made up). A token from before key ids (`v1`) is
 * checked against each key still accepted, so links mailed before the first rotation keep working
 * until their key is retired.
 */
export function verifyToken(keys: TokenKeys, token: string, purpose: TokenPurpose, now: number): TokenCheck {
  if (typeof token !== 'string' || token.length > 300) return { ok: false, reason: 'malformed' };
  const parts = token.split('.');
  const legacy = parts.length === 6 && parts[0] === LEGACY_VERSION;
  if (!legacy && (parts.length !== 7 || parts[0] !== VERSION)) return { ok: false, reason: 'malformed' };
  const [code, newsletterId, subscriberId, expiry, signature] = parts.slice(legacy ? 1 : 2) as [string, string, string, string, string];
  if (!/^[a-z0-9-]{1,63}$/.test(newsletterId) || !/^[0-9a-f]{32}$/.test(subscriberId) || !/^[0-9a-z]*$/.test(expiry)) return { ok: false, reason: 'malformed' };
  if (!legacy && !/^[A-Za-z0-9_-]{8}$/.test(parts[1]!)) return { ok: false, reason: 'malformed' };
  const ring = [keys.signing, ...keys.accepted];
  const candidates = legacy ? ring : ring.filter((key) => tokenKeyId(key) === parts[1]);
  if (candidates.length === 0) return { ok: false, reason: 'unknown-key' };
  const body = parts.slice(0, -1).join('.');
  const given = Buffer.from(signature);
  const signed = candidates.some((key) => {
    const expected = Buffer.from(mac(key, body));
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
  if (!signed) return { ok: false, reason: 'forged' };
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
