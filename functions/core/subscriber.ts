import { createHmac, hkdfSync } from 'node:crypto';
import { asciiDomainAddress } from './email-address.js';

/** Where a subscriber stands on one newsletter. */
export type SubscriberStatus = 'pending' | 'confirmed' | 'unsubscribed';

/** Evidence of consent, kept with the subscription (GDPR art. 7(1): be able to show it). */
interface Consent {
  at: string;
  source: string;
}

export interface Subscriber {
  /** A pseudonymous id derived from the address; used in keys, tokens and logs instead of the address. */
  id: string;
  newsletterId: string;
  email: string;
  name?: string;
  status: SubscriberStatus;
  createdAt: string;
  confirmedAt?: string;
  unsubscribedAt?: string;
  consent?: Consent;
  /** When the last confirmation email went out; limits re-sends. */
  confirmationSentAt?: string;
}

/**
 * The address as the product compares it: trimmed, NFC, lower-cased, with an internationalised
 * domain in its ASCII (punycode) form, which is how SES sends to it and reports bounces about it.
 */
export function normaliseEmail(email: string): string {
  return asciiDomainAddress(email.normalize('NFC').trim().toLowerCase());
}

/**
 * The subscriber id for an address: a keyed hash (HMAC-SHA256, 128-bit prefix) of the normalised
 * address. It keeps addresses out of keys, URLs and logs, and suppression entries keep only this
 * hash after an erasure. Keyed, so that someone who sees an id (in a link, a log line or a table
 * export) cannot test guessed addresses against it without the secret.
 *
 * The key is derived (HKDF with its own label) from the deployment's id key (`TokenKeys.id`), the
 * token key it was first deployed with, which never rotates: signing keys can be rotated while
 * every address keeps its id, so subscriptions and suppressions stay attached.
 *
 * @example
 * const id = subscriberId(tokenKeys.id, 'ann@example.com');
 */
export function subscriberId(idKey: Buffer, email: string): string {
  return subscriberIdWithKey(subscriberIdKey(idKey), email);
}

/** The subscriber id from the derived key itself (`subscriberIdKey`), for a holder that keeps only that key. */
export function subscriberIdWithKey(derivedKey: Buffer, email: string): string {
  return createHmac('sha256', derivedKey).update(normaliseEmail(email)).digest('hex').slice(0, 32);
}

const SUBSCRIBER_ID_LABEL = 'keypoints-newsletter subscriber id v2';
// Deriving costs more than the HMAC; a process uses one token key, so remember its derived key.
const derivedKeys = new WeakMap<Buffer, Buffer>();

/** The key of subscriber ids, derived from the id key for this purpose only. */
export function subscriberIdKey(idKey: Buffer): Buffer {
  let key = derivedKeys.get(idKey);
  if (!key) {
    key = Buffer.from(hkdfSync('sha256', idKey, Buffer.alloc(0), SUBSCRIBER_ID_LABEL, 32));
    derivedKeys.set(idKey, key);
  }
  return key;
}

/** A redacted form for messages a person reads: `j***@example.com`. Never the full address. */
export function redactEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '***';
  return `${email[0]}***${email.slice(at)}`;
}

/** Replaces anything that looks like an address in free text (error messages from SES name them). */
export function redactAddresses(text: string): string {
  return text.replace(/[^\s<>"'(),;:]+@[^\s<>"'(),;:]+\.[^\s<>"'(),;:]+/gu, '[address]');
}

/**
 * The mailbox an address delivers to, for sign-up limits only: `Bomb+1@Example.org` and
 * `b.o.m.b+2@example.org` reach one inbox at most providers, so they share one limit. Never used
 * as an id: `ann.lee@` and `annlee@` stay two subscribers.
 */
export function mailboxOf(email: string): string {
  const normalised = normaliseEmail(email);
  const at = normalised.lastIndexOf('@');
  if (at < 1) return normalised;
  const local = normalised.slice(0, at).split('+')[0]!.replace(/\./g, '');
  return `${local || normalised.slice(0, at)}@${normalised.slice(at + 1)}`;
}

/**
 * A keyed pseudonym for something that must be counted but not kept readable (a mailbox, a
 * client's IP address): the same key as subscriber ids, with the kind in the input so the spaces
 * never overlap.
 */
export function pseudonym(idKey: Buffer, kind: string, value: string): string {
  return createHmac('sha256', subscriberIdKey(idKey)).update(`${kind}\u0000${value}`).digest('hex').slice(0, 32);
}
