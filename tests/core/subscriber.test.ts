import { createHash, createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { mailboxOf, normaliseEmail, redactAddresses, redactEmail, subscriberId } from '../../functions/core/subscriber.js';

const key = randomBytes(32);

describe('subscriberId', () => {
  it('is the same for the ways one address can be written', () => {
    expect(subscriberId(key, ' Ann@Example.COM ')).toBe(subscriberId(key, 'ann@example.com'));
  });

  it('is the same for an internationalised domain and the punycode form SES reports bounces with', () => {
    expect(normaliseEmail('anna@Bücher.de')).toBe('anna@xn--bcher-kva.de');
    expect(subscriberId(key, 'anna@bücher.de')).toBe(subscriberId(key, 'anna@xn--bcher-kva.de'));
  });

  it('differs between addresses', () => {
    expect(subscriberId(key, 'ann@example.com')).not.toBe(subscriberId(key, 'bob@example.com'));
  });

  it('cannot be checked against a guessed address without the key', () => {
    const id = subscriberId(key, 'ann@example.com');
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    // Someone holding an id from a link or a log, and a list of guessed addresses, hashes them:
    expect(id).not.toBe(createHash('sha256').update('ann@example.com').digest('hex').slice(0, 32));
    // …and another deployment (another key) gives the same address another id.
    expect(subscriberId(randomBytes(32), 'ann@example.com')).not.toBe(id);
  });

  it('is not keyed with the link-signing key itself', () => {
    expect(subscriberId(key, 'ann@example.com')).not.toBe(createHmac('sha256', key).update('ann@example.com').digest('hex').slice(0, 32));
  });
});

describe('redactEmail', () => {
  it('keeps the first letter and the domain only', () => {
    expect(redactEmail('reader@example.com')).toBe('r***@example.com');
  });
});

describe('mailboxOf', () => {
  it('folds plus-addressing, dots and case, so one inbox has one sign-up limit', () => {
    const mailboxes = ['bomb+1@example.org', 'Bomb+20@Example.ORG', 'b.o.m.b@example.org', 'bomb@example.org'].map(mailboxOf);
    expect(new Set(mailboxes)).toEqual(new Set(['bomb@example.org']));
    expect(mailboxOf('anna+x@Bücher.de')).toBe('anna@xn--bcher-kva.de');
    expect(mailboxOf('bomb@example.net')).not.toBe(mailboxOf('bomb@example.org'));
  });
});

describe('redactAddresses', () => {
  it('removes addresses from an SES error message and keeps the rest', () => {
    const message =
      'MessageRejected: Email address is not verified. The following identities failed the check in region US-EAST-1: reader.one+news@example.com, <b@例子.台灣>';
    const redacted = redactAddresses(message);
    expect(redacted).not.toMatch(/reader\.one|例子/);
    expect(redacted).toContain('MessageRejected: Email address is not verified.');
    expect(redacted.match(/\[address\]/g)).toHaveLength(2);
  });
});
