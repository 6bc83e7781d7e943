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
  const parsed = ipaddr.process(address);
  const range = parsed.range();
  if (range === 'unicast') return undefined;
  return RANGE_WORDS[range] ?? `a special-purpose address (${range})`;
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
