import { describe, expect, it } from 'vitest';
import { whyNotPublic } from '../../../functions/adapters/sources/public-address.js';

describe('whyNotPublic', () => {
  it.each([
    ['::127.0.0.1', 'an IPv4-compatible IPv6 address (deprecated) of 127.0.0.1'],
    ['::7f00:1', 'an IPv4-compatible IPv6 address (deprecated) of 127.0.0.1'],
    // Deprecated and unused: refused even when the IPv4 address inside is public.
    ['::8.8.8.8', 'an IPv4-compatible IPv6 address (deprecated) of 8.8.8.8'],
    ['64:ff9b::a9fe:a9fe', 'a NAT64 address of 169.254.169.254, a link-local address (where cloud metadata services live)'],
    ['64:ff9b::192.168.1.1', 'a NAT64 address of 192.168.1.1, a private network address'],
    ['2002:7f00:1::1', 'a 6to4 address of 127.0.0.1, a loopback address (this machine)'],
    ['2002:a00:1::', 'a 6to4 address of 10.0.0.1, a private network address'],
  ])('refuses %s, an IPv6 address that leads to an IPv4 one: %s', (address, why) => {
    expect(whyNotPublic(address)).toBe(why);
  });

  it('lets NAT64 and 6to4 addresses of public IPv4 addresses through, as an IPv6-only network reaches public sites', () => {
    expect(whyNotPublic('64:ff9b::8.8.8.8')).toBeUndefined();
    expect(whyNotPublic('2002:808:808::1')).toBeUndefined();
  });

  it('still names loopback, unspecified and mapped addresses as before', () => {
    expect(whyNotPublic('::1')).toBe('a loopback address (this machine)');
    expect(whyNotPublic('::')).toBe('the unspecified address');
    expect(whyNotPublic('::ffff:10.0.0.1')).toBe('a private network address');
    expect(whyNotPublic('2606:4700:4700::1111')).toBeUndefined();
  });
});
