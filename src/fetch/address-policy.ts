// SSRF guard for URLs that do not come from the user's own config (a link found in a page or an
// item): loopback, private, link-local, CGNAT, multicast and cloud-metadata addresses are refused
// after DNS resolution, at connect time, so that a name rebound between two lookups cannot get in.

import { lookup as systemLookup } from 'node:dns';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/** Same shape as dns.lookup, as net.connect's `lookup` option expects it. */
export type LookupFunction = (
  hostname: string,
  options: LookupOptions,
  callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
) => void;

/**
 * Ranges an untrusted URL may not reach, with the reason shown to the user. Cloud metadata
 * endpoints fall inside them: 169.254.169.254 and 169.254.170.2 (link-local), 100.100.100.200
 * (CGNAT), fd00:ec2::254 (unique local), 192.0.0.192 (IETF protocol assignments).
 */
const BLOCKED_RANGES: ReadonlyArray<readonly [cidr: string, why: string]> = [
  ['0.0.0.0/8', '"this network" address (RFC 791)'],
  ['10.0.0.0/8', 'private address (RFC 1918)'],
  ['100.64.0.0/10', 'shared CGNAT address (RFC 6598)'],
  ['127.0.0.0/8', 'loopback address (RFC 1122)'],
  ['169.254.0.0/16', 'link-local or cloud metadata address (RFC 3927)'],
  ['172.16.0.0/12', 'private address (RFC 1918)'],
  ['192.0.0.0/24', 'IETF protocol assignment (RFC 6890)'],
  ['192.168.0.0/16', 'private address (RFC 1918)'],
  ['198.18.0.0/15', 'benchmarking address (RFC 2544)'],
  ['224.0.0.0/4', 'multicast address (RFC 5771)'],
  ['240.0.0.0/4', 'reserved or broadcast address (RFC 1112)'],
  ['::/127', 'loopback or unspecified address (RFC 4291)'],
  ['fc00::/7', 'unique local (private) address (RFC 4193)'],
  ['fe80::/10', 'link-local address (RFC 4291)'],
  ['ff00::/8', 'multicast address (RFC 4291)'],
];

const BLOCKED: ReadonlyArray<{ readonly list: BlockList; readonly why: string }> = BLOCKED_RANGES.map(([cidr, why]) => ({
  list: toBlockList([cidr]),
  why,
}));

/**
 * The user's own network: loopback and private ranges. A source configured there may redirect
 * within them (a home server, an intranet); link-local, CGNAT and the metadata addresses stay out.
 */
const OWN_NETWORK_RANGES: readonly string[] = ['10.0.0.0/8', '127.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '::1/128', 'fc00::/7'];
const OWN_NETWORK = toBlockList(OWN_NETWORK_RANGES);
/** Cloud metadata endpoints inside those ranges (AWS's IPv6 one). */
const METADATA = toBlockList(['fd00:ec2::254']);

/** True for a loopback or private address (OWN_NETWORK_RANGES), metadata endpoints excepted. */
export function isOwnNetworkAddress(address: string): boolean {
  const normalized = unwrapIpv4(address);
  const family = isIP(normalized);
  if (family === 0) return false;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  return OWN_NETWORK.check(normalized, type) && !METADATA.check(normalized, type);
}

/** Why an address may not be reached from an untrusted URL, or null when it is a public address. */
export function explainBlockedAddress(address: string): string | null {
  const normalized = unwrapIpv4(address);
  const family = isIP(normalized);
  if (family === 0) return 'not an IP address';
  const type = family === 4 ? 'ipv4' : 'ipv6';
  for (const { list, why } of BLOCKED) if (list.check(normalized, type)) return why;
  return null;
}

export interface AddressGuard {
  /** Fails with a blocked-address error when the URL's host is a literal IP that may not be reached. */
  checkLiteralHost(url: string): void;
  /** For net.connect: resolves like dns.lookup, then fails when an address may not be reached. */
  readonly lookup: LookupFunction;
  /** True when the URL's host is, or resolves only to, addresses of the user's own network (isOwnNetworkAddress). */
  isOwnNetworkHost(url: string): Promise<boolean>;
}

export interface AddressGuardOptions {
  /** The request comes from a source on the user's own network: its loopback and private addresses pass too. */
  readonly ownNetwork?: boolean;
}

/** A refusal; fetch-error turns it into FETCH_BLOCKED_ADDRESS with the URL. */
export class BlockedAddressError extends Error {
  readonly code = 'FETCH_BLOCKED_ADDRESS';
}

/**
 * `allow`: `fetch.allowPrivateHosts` entries, each a CIDR range ("10.0.0.0/8"), an address
 * ("192.168.1.20") or a host name ("intranet.example.org", matched exactly, any case).
 */
export function createAddressGuard(
  allow: readonly string[],
  resolve: LookupFunction = systemLookup as LookupFunction,
  options: AddressGuardOptions = {},
): AddressGuard {
  const allowedNames = new Set<string>();
  const ranges: string[] = [];
  for (const entry of allow) {
    const value = entry.trim().toLowerCase();
    if (value.includes('/') || isIP(value) !== 0) ranges.push(value);
    else if (value !== '') allowedNames.add(value.replace(/\.$/, ''));
  }
  const allowedAddresses = toBlockList(ranges);

  const refusal = (hostname: string, address: string): string | null => {
    const why = explainBlockedAddress(address);
    if (why === null) return null;
    const normalized = unwrapIpv4(address);
    if (allowedAddresses.check(normalized, isIP(normalized) === 6 ? 'ipv6' : 'ipv4')) return null;
    if (options.ownNetwork === true && isOwnNetworkAddress(normalized)) return null;
    const resolved = hostname === address ? '' : ` resolves to ${address}, which`;
    return `${hostname}${resolved} is a ${why}: refused for a URL that does not come from the config ` +
      `(add it to fetch.allowPrivateHosts to allow it)`;
  };

  return {
    checkLiteralHost(url: string): void {
      const hostname = new URL(url).hostname.replace(/^\[|\]$/g, '');
      if (isIP(hostname) === 0 || allowedNames.has(hostname)) return;
      const reason = refusal(hostname, hostname);
      if (reason !== null) throw new BlockedAddressError(reason);
    },
    lookup(hostname, options, callback): void {
      const name = hostname.toLowerCase().replace(/\.$/, '');
      if (allowedNames.has(name)) {
        resolve(hostname, options, callback);
        return;
      }
      resolve(hostname, options, (error, address, family) => {
        if (error) {
          callback(error, address, family);
          return;
        }
        const addresses = Array.isArray(address) ? address.map((entry) => entry.address) : [address];
        // Every address must pass: a name answering one public and one private address is refused.
        for (const candidate of addresses) {
          const reason = refusal(hostname, candidate);
          if (reason !== null) {
            callback(new BlockedAddressError(reason), address, family);
            return;
          }
        }
        callback(null, address, family);
      });
    },
    isOwnNetworkHost(url: string): Promise<boolean> {
      const hostname = new URL(url).hostname.replace(/^\[|\]$/g, '');
      if (isIP(hostname) !== 0) return Promise.resolve(isOwnNetworkAddress(hostname));
      return new Promise((done) => {
        resolve(hostname, { all: true }, (error, address) => {
          const addresses = error ? [] : Array.isArray(address) ? address.map((entry) => entry.address) : [address];
          done(addresses.length > 0 && addresses.every(isOwnNetworkAddress));
        });
      });
    },
  };
}

function toBlockList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [network = '', prefix] = entry.split('/');
    const family = isIP(network);
    if (family === 0) continue;
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) list.addAddress(network, type);
    else list.addSubnet(network, Number(prefix), type);
  }
  return list;
}

/**
 * An IPv4 address carried in IPv6 (mapped ::ffff:0:0/96, RFC 4291 §2.5.5.2; NAT64 64:ff9b::/96,
 * RFC 6052) is judged as the IPv4 address it reaches; anything else is returned unchanged.
 */
function unwrapIpv4(address: string): string {
  if (isIP(address) !== 6) return address;
  const groups = expandIpv6(address.toLowerCase());
  if (groups === null) return address;
  const isMapped = groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff;
  const isNat64 = groups[0] === 0x64 && groups[1] === 0xff9b && groups.slice(2, 6).every((group) => group === 0);
  if (!isMapped && !isNat64) return address;
  const high = groups[6] ?? 0;
  const low = groups[7] ?? 0;
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

/** The eight 16-bit groups of an IPv6 address (with "::" and a dotted IPv4 tail), or null. */
function expandIpv6(address: string): number[] | null {
  let text = address.split('%')[0] ?? '';
  // A dotted IPv4 tail is the last group (read from the last ':', so that no run of digits is retried).
  const lastGroup = text.lastIndexOf(':') + 1;
  const dotted = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text.slice(lastGroup));
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, lastGroup)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = 8 - left.length - right.length;
  if (missing < 0 || (tail === undefined && missing !== 0)) return null;
  return [...left, ...Array<string>(missing).fill('0'), ...right].map((group) => Number.parseInt(group, 16));
}
