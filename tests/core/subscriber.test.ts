import { describe, expect, it } from 'vitest';
import { normaliseEmail, redactEmail, subscriberId } from '../../functions/core/subscriber.js';

describe('subscriberId', () => {
  it('is the same for the ways one address can be written', () => {
    expect(subscriberId(' Ann@Example.COM ')).toBe(subscriberId('ann@example.com'));
  });

  it('is the same for an internationalised domain and the punycode form SES reports bounces with', () => {
    expect(normaliseEmail('anna@Bücher.de')).toBe('anna@xn--bcher-kva.de');
    expect(subscriberId('anna@bücher.de')).toBe(subscriberId('anna@xn--bcher-kva.de'));
  });

  it('differs between addresses', () => {
    expect(subscriberId('ann@example.com')).not.toBe(subscriberId('bob@example.com'));
  });
});

describe('redactEmail', () => {
  it('keeps the first letter and the domain only', () => {
    expect(redactEmail('reader@example.com')).toBe('r***@example.com');
  });
});
