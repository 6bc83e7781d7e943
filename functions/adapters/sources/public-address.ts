import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Keeps the fetcher to the public internet: a feed item or a redirect pointing at 127.0.0.1, a
 * private network or the cloud metadata service (169.254.169.254) would otherwise have its text
 * mailed to every subscriber. Addresses are classified by ipaddr.js; the check runs inside the
 * connection's DNS lookup, so the address checked is the address connected to.
 */

/** Why an address is not public, in words; undefined for a public unicast address. */
export function whyNotPublic(address: string): string | undefined {
  if (!ipaddr.isValid(address)) return 'not an IP address';
  // `::ffff:127.0.0.1` is 127.0.0.1: classify the IPv4 address inside.
  const parsed = ipaddr.process(hexIpv6(address));
  if (parsed.kind() === 'ipv6') {
    const embedded = embeddedIpv4(parsed as ipaddr.IPv6);
    if (embedded) return whyEmbeddedNotPublic(embedded);
  }
  const range = parsed.range();
  if (range === 'unicast') return undefined;
  return RANGE_WORDS[range] ?? `a special-purpose address (${range})`;
}

/**
 * IPv6 written with hex groups only, as a URL spells it (`::127.0.0.1` → `::7f00:1`): ipaddr.js
 * reads `::a.b.c.d` as the IPv4-mapped `::ffff:a.b.c.d`, which it is not.
 */
function hexIpv6(address: string): string {
  if (isIP(address) !== 6) return address;
  try {
    return new URL(`http://[${address}]/`).hostname.slice(1, -1);
  } catch {
    return address;
  }
}

type EmbeddedIpv4 = { form: 'ipv4-compatible' | 'nat64' | '6to4'; ipv4: ipaddr.IPv4 };

/**
 * The IPv4 address inside an IPv6 address that carries one where it goes: IPv4-compatible
 * (`::a.b.c.d`, deprecated, which a host may still route to the IPv4 address), NAT64
 * (`64:ff9b::a.b.c.d`, translated by a gateway) and 6to4 (`2002:AABB:CCDD::/48`, relayed).
 */
function embeddedIpv4(address: ipaddr.IPv6): EmbeddedIpv4 | undefined {
  const p = address.parts;
  const v4 = (high: number, low: number) => new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
  const zeroFrom = (start: number, end: number) => p.slice(start, end).every((part) => part === 0);
  // `::` and `::1` are the unspecified and loopback addresses, named as such below.
  if (zeroFrom(0, 6) && (p[6]! !== 0 || p[7]! > 1)) return { form: 'ipv4-compatible', ipv4: v4(p[6]!, p[7]!) };
  if (p[0] === 0x64 && p[1] === 0xff9b && zeroFrom(2, 6)) return { form: 'nat64', ipv4: v4(p[6]!, p[7]!) };
  if (p[0] === 0x2002) return { form: '6to4', ipv4: v4(p[1]!, p[2]!) };
  return undefined;
}

/**
 * An IPv4-compatible address is refused whatever it holds (nothing public uses the form); a NAT64
 * or 6to4 address is as public as the IPv4 address it leads to, so an IPv6-only network behind
 * NAT64 still reads public sites.
 */
function whyEmbeddedNotPublic({ form, ipv4 }: EmbeddedIpv4): string | undefined {
  if (form === 'ipv4-compatible') return `an IPv4-compatible IPv6 address (deprecated) of ${ipv4.toString()}`;
  const why = whyNotPublic(ipv4.toString());
  return why === undefined ? undefined : `a ${form === 'nat64' ? 'NAT64' : '6to4'} address of ${ipv4.toString()}, ${why}`;
}

const RANGE_WORDS: Record<string, string> = {
  loopback: 'a loopback address (this machine)',
  private: 'a private network address',
  uniqueLocal: 'a private (unique-local) network address',
  linkLocal: 'a link-local address (where cloud metadata services live)',
  carrierGradeNat: 'a carrier-grade NAT address',
  unspecified: 'the unspecified address',
  multicast: 'a multicast address',
  broadcast: 'the broadcast address',
  reserved: 'a reserved address',
};

/** The connection went to (or was about to go to) an address that is not public. */
export class NonPublicAddressError extends Error {
  override readonly name = 'NonPublicAddressError';
  readonly code = 'ENONPUBLIC';

  constructor(
    readonly host: string,
    readonly address: string,
    readonly why: string,
  ) {
    super(`${host === address ? address : `${host} resolves to ${address},`} ${host === address ? 'is ' : ''}${why}`);
  }
}

/** Host names as a URL spells them (`LOCALHOST` → `localhost`, `0177.0.0.1` → `127.0.0.1`, `::1` → `[::1]`). */
export function normaliseHost(host: string): string {
  const trimmed = host.trim();
  const bracketed = isIP(trimmed) === 6 ? `[${trimmed}]` : trimmed;
  try {
    return new URL(`http://${bracketed}/`).hostname;
  } catch {
    return trimmed.toLowerCase();
  }
}

/** The address a URL host names literally, if it is an IP address (`[::1]` → `::1`). */
export function literalAddress(hostname: string): string | undefined {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return isIP(bare) === 0 ? undefined : bare;
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for `net.connect` that resolves as usual and fails with a `NonPublicAddressError`
 * when any address of a host not in `allowedHosts` is not public.
 */
export function publicOnlyLookup(allowedHosts: ReadonlySet<string>) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      if (!allowedHosts.has(normaliseHost(hostname))) {
        for (const { address } of addresses) {
          const why = whyNotPublic(address);
          if (why) return callback(new NonPublicAddressError(hostname, address, why) as NodeJS.ErrnoException, []);
        }
      }
      if (options.all) return callback(null, addresses);
      const [first] = addresses;
      return callback(null, first?.address ?? '', first?.family);
    });
  };
}
