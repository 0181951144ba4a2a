import { lookup as dnsLookup, LookupAddress } from 'node:dns';
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import type { LookupFunction } from 'node:net';

/**
 * Outbound requests to URLs that users or admins supply (webhooks, LTI tool key sets) are kept
 * off private networks by these checks unless private targets are allowed.
 *
 * Addresses a webhook must never reach unless private targets are allowed: loopback, private
 * networks, link-local (cloud metadata at 169.254.169.254), carrier-grade NAT, multicast and the
 * reserved ranges, for IPv4 and IPv6 (IPv4-mapped IPv6 addresses are checked as IPv4: BlockList
 * matches `::ffff:a.b.c.d`, in any spelling, against the IPv4 subnets).
 */
const BLOCKED = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  BLOCKED.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  BLOCKED.addSubnet(network, prefix, 'ipv6');
}

export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return BLOCKED.check(address, 'ipv4');
  if (family === 6) return BLOCKED.check(address, 'ipv6');
  return true;
}

export type TargetProblem = 'not-http' | 'unresolvable' | 'private';

/**
 * Why this URL may not receive webhooks, or null when it may. Every address its host resolves to
 * must be public; the check runs at creation and again when delivering (DNS can change).
 */
export async function targetProblem(
  url: string,
  allowPrivate: boolean,
): Promise<TargetProblem | null> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'not-http';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'not-http';
  if (allowPrivate) return null;
  // Stryker disable next-line Regex: a URL's hostname has brackets only around an IPv6 literal, so the anchors are equivalent
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  try {
    const addresses = isIP(host) ? [{ address: host }] : await lookup(host, { all: true });
    if (addresses.length === 0) return 'unresolvable';
    return addresses.some((entry) => isPrivateAddress(entry.address)) ? 'private' : null;
  } catch {
    return 'unresolvable';
  }
}

/**
 * Resolves like dns.lookup but refuses private addresses at connect time, so a name that resolves
 * to a public address when checked and to a private one when connecting (DNS rebinding) is still
 * refused.
 */
export function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const usable = allowPrivate
        ? addresses
        : addresses.filter((a) => !isPrivateAddress(a.address));
      if (usable.length === 0) {
        return callback(
          new Error(`refusing to connect to a private address for ${hostname}`),
          '',
          0,
        );
      }
      if ((options as { all?: boolean }).all) {
        (callback as unknown as (err: null, addresses: LookupAddress[]) => void)(null, usable);
      } else {
        callback(null, usable[0].address, usable[0].family);
      }
    });
  };
}
