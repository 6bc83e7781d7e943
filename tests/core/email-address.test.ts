import { describe, expect, it } from 'vitest';
import { checkEmail } from '../../functions/core/email-address.js';

describe('checkEmail', () => {
  it('accepts ordinary addresses and lower-cases the domain', () => {
    expect(checkEmail(' Reader.One+news@Example.COM ')).toEqual({ ok: true, email: 'Reader.One+news@example.com' });
  });

  it('accepts internationalised domains', () => {
    expect(checkEmail('reader@bücher.de')).toEqual({ ok: true, email: 'reader@bücher.de' });
    expect(checkEmail('reader@例子.台灣').ok).toBe(true);
  });

  it.each([
    ['', 'required'],
    ['no-at-sign', 'needs a name'],
    ['a@b', 'not a valid domain'],
    ['a@-bad-.com', 'not a valid domain'],
    ['a b@example.com', 'spaces'],
    ['reader@example.com\r\nBcc: victim@example.com', 'line breaks'],
    ['reader@example.com\nX-Evil: 1', 'line breaks'],
    ['"quoted"@example.com', 'characters'],
    ['a..b@example.com', 'characters'],
    [`${'a'.repeat(65)}@example.com`, '64'],
    [`a@${'b'.repeat(250)}.com`, '254'],
    ['a@1.2.3.4', 'not a valid domain'],
  ])('refuses %j with a reason', (input, reason) => {
    const result = checkEmail(input);
    expect(result).toEqual({ ok: false, reason: expect.stringContaining(reason) });
  });

  it('refuses non-strings', () => {
    expect(checkEmail(undefined).ok).toBe(false);
    expect(checkEmail({ email: 'a@b.com' }).ok).toBe(false);
  });
});
