import { domainToASCII } from 'node:url';

export type EmailCheck = { ok: true; email: string } | { ok: false; reason: string };

// RFC 5321/5322 dot-atom local part; quoted local parts are legal but rare and unsafe in headers.
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * Validates an address a person typed: length limits, dot-atom syntax, a real-looking domain
 * (internationalised domains are accepted and checked in their punycode form), and nothing that
 * could break a mail header (CR, LF, control characters).
 */
export function checkEmail(input: unknown): EmailCheck {
  if (typeof input !== 'string') return { ok: false, reason: 'an email address is required' };
  const email = input.normalize('NFC').trim();
  if (email.length === 0) return { ok: false, reason: 'an email address is required' };
  if (email.length > 254) return { ok: false, reason: 'the email address is longer than 254 characters' };
  if (/[\u0000-\u001f\u007f\u2028\u2029\s]/u.test(email)) return { ok: false, reason: 'the email address contains spaces, line breaks or control characters' };
  const at = email.lastIndexOf('@');
  if (at < 1 || at === email.length - 1) return { ok: false, reason: 'the email address needs a name, an @ and a domain, such as name@example.com' };
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  if (local.length > 64) return { ok: false, reason: 'the part before the @ is longer than 64 characters' };
  if (!LOCAL_PART.test(local)) return { ok: false, reason: 'the part before the @ has characters an address cannot have' };
  const ascii = domainToASCII(domain.toLowerCase());
  if (!ascii || ascii.length > 253) return { ok: false, reason: 'the domain after the @ is not a valid domain name' };
  const labels = ascii.split('.');
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l)) || /^\d+$/.test(labels[labels.length - 1]!)) {
    return { ok: false, reason: 'the domain after the @ is not a valid domain name' };
  }
  return { ok: true, email: `${local}@${domain.toLowerCase()}` };
}

/**
 * The address with its domain in ASCII (punycode): how SES takes envelope addresses and how it
 * names them in bounce and complaint notifications. A domain that cannot be converted is kept.
 */
export function asciiDomainAddress(address: string): string {
  const at = address.lastIndexOf('@');
  if (at < 1) return address;
  const domain = address.slice(at + 1);
  return `${address.slice(0, at)}@${domainToASCII(domain) || domain}`;
}
