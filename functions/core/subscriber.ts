import { asciiDomainAddress } from './email-address.js';
import { createHash } from 'node:crypto';

/** Where a subscriber stands on one newsletter. */
export type SubscriberStatus = 'pending' | 'confirmed' | 'unsubscribed';

/** Evidence of consent, kept with the subscription (GDPR art. 7(1): be able to show it). */
export interface Consent {
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
 * The subscriber id for an address: a SHA-256 prefix of the normalised address. It keeps addresses
 * out of keys, URLs and logs; suppression entries store the same hash after an erasure.
 */
export function subscriberId(email: string): string {
  return createHash('sha256').update(normaliseEmail(email)).digest('hex').slice(0, 32);
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
