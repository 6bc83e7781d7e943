import { describe, expect, it } from 'vitest';
import { clientGroup, DEFAULT_SIGN_UP_LIMITS, hourlyConfirmationBudget, hourWindow } from '../../functions/core/sign-up-limits.js';
import { parseConfig } from '../../functions/core/config.js';
import { newsletterInput } from '../support/newsletters.js';

describe('hourlyConfirmationBudget', () => {
  it('gives sign-ups their share of the SES 24-hour quota, capped by the configured total', () => {
    expect(hourlyConfirmationBudget(DEFAULT_SIGN_UP_LIMITS, { max24HourSend: 50_000 })).toBe(104);
    expect(hourlyConfirmationBudget(DEFAULT_SIGN_UP_LIMITS, { max24HourSend: 1_000_000 })).toBe(200);
  });

  it('leaves a sandbox account one confirmation an hour, and an unlimited or unknown quota the configured total', () => {
    expect(hourlyConfirmationBudget(DEFAULT_SIGN_UP_LIMITS, { max24HourSend: 200 })).toBe(1);
    expect(hourlyConfirmationBudget(DEFAULT_SIGN_UP_LIMITS, { max24HourSend: -1 })).toBe(200);
    expect(hourlyConfirmationBudget(DEFAULT_SIGN_UP_LIMITS, undefined)).toBe(200);
  });
});

describe('hourWindow', () => {
  it('names the UTC hour a moment falls in', () => {
    expect(hourWindow(new Date('2026-03-02T08:59:59.999Z'))).toEqual({ key: '2026-03-02T08', endsAt: new Date('2026-03-02T09:00:00.000Z') });
  });
});

describe('signUps config', () => {
  it('defaults to the documented limits', () => {
    const parsed = parseConfig({ newsletters: [newsletterInput()] });
    expect(parsed).toMatchObject({ ok: true });
    expect(parsed.ok && parsed.config.signUps).toEqual(DEFAULT_SIGN_UP_LIMITS);
  });
});

describe('clientGroup', () => {
  it('counts an IPv6 client by its /64, however the address is written', () => {
    expect(clientGroup('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(clientGroup('2001:0DB8:0001:0002::1')).toBe('2001:db8:1:2::/64');
    expect(clientGroup('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
  });

  it('counts an IPv4-mapped IPv6 address as its IPv4 address, and IPv4 as it is', () => {
    expect(clientGroup('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(clientGroup('::ffff:c000:201')).toBe('192.0.2.1');
    expect(clientGroup('192.0.2.1')).toBe('192.0.2.1');
  });

  it('keeps what is not an IP address as given', () => {
    expect(clientGroup('unknown')).toBe('unknown');
  });
});
