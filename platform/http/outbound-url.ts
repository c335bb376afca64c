import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * Checks for URLs the system calls on someone else's behalf (partners'
 * webhooks): in production only `https`, and never an address inside our
 * network or the host's own (SSRF). The host is resolved and every address it
 * has is checked, IPv6 and IPv4-mapped forms included; the caller then
 * connects to the checked address (`pinnedLookup`), so a name that resolves
 * differently a moment later (DNS rebinding) cannot slip past.
 */

export type OutboundPolicy = {
  /** Outside production only: `http` and private, loopback and link-local addresses allowed (tests, the demo). */
  allowPrivate: boolean;
};

export type OutboundRefusal = { code: 'URL_NOT_HTTPS' | 'URL_INVALID' | 'URL_PRIVATE_ADDRESS' | 'URL_UNRESOLVABLE'; message: string };

export type CheckedTarget = { url: URL; address: string; family: 4 | 6 };

const blocked = new BlockList();
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
  blocked.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  // IPv4-compatible (deprecated), NAT64 and 6to4 addresses embed an IPv4 address that may be a private one.
  ['::', 96],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['2002::', 16],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  blocked.addSubnet(network, prefix, 'ipv6');
}

/** `::ffff:a.b.c.d` and `::ffff:XXXX:XXXX` as the IPv4 address they carry; undefined for any other address. */
export function mappedIPv4(address: string): string | undefined {
  const lower = address.toLowerCase();
  const dotted = /^(?:0{0,4}:){0,5}:?ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(lower);
  if (dotted && isIP(dotted[1]!) === 4) return dotted[1];
  const hex = /^(?:0{0,4}:){0,5}:?ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (!hex) return undefined;
  const high = Number.parseInt(hex[1]!, 16);
  const low = Number.parseInt(hex[2]!, 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/** True for an address inside a private, loopback, link-local, reserved or multicast range, in any of its forms. */
export function isPrivateAddress(address: string): boolean {
  const unbracketed = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const mapped = mappedIPv4(unbracketed);
  if (mapped) return blocked.check(mapped, 'ipv4');
  const family = isIP(unbracketed);
  if (family === 4) return blocked.check(unbracketed, 'ipv4');
  if (family === 6) return blocked.check(unbracketed, 'ipv6');
  return true;
}

/** What can be said of a URL without resolving it: its form, its scheme, and an address written in it. */
export function checkUrlForm(text: string, policy: OutboundPolicy): URL | OutboundRefusal {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { code: 'URL_INVALID', message: 'the URL is not an absolute URL' };
  }
  if (url.protocol !== 'https:' && !(policy.allowPrivate && url.protocol === 'http:')) {
    return { code: 'URL_NOT_HTTPS', message: `only https URLs are called; received ${url.protocol}` };
  }
  if (url.username || url.password) return { code: 'URL_INVALID', message: 'the URL must not carry a user name or password' };
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) && !policy.allowPrivate && isPrivateAddress(host)) {
    return { code: 'URL_PRIVATE_ADDRESS', message: `${host} is a private, loopback or reserved address` };
  }
  if (!isIP(host) && !policy.allowPrivate && (host === 'localhost' || host.endsWith('.localhost'))) {
    return { code: 'URL_PRIVATE_ADDRESS', message: `${host} names this host` };
  }
  return url;
}

/**
 * Resolves the URL's host and checks every address it has; the first is the
 * one to connect to. A name with any private address is refused whole: which
 * address a client picks is not ours to predict.
 */
export async function resolveTarget(
  text: string,
  policy: OutboundPolicy,
  resolve: (host: string) => Promise<{ address: string; family: number }[]> = (host) => lookup(host, { all: true, verbatim: true }),
): Promise<CheckedTarget | OutboundRefusal> {
  const url = checkUrlForm(text, policy);
  if (!(url instanceof URL)) return url;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: { address: string; family: number }[];
  if (isIP(host)) addresses = [{ address: host, family: isIP(host) }];
  else {
    try {
      addresses = await resolve(host);
    } catch (error) {
      return { code: 'URL_UNRESOLVABLE', message: `${host} does not resolve (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
    }
  }
  if (addresses.length === 0) return { code: 'URL_UNRESOLVABLE', message: `${host} has no address` };
  if (!policy.allowPrivate) {
    const inside = addresses.find((entry) => isPrivateAddress(entry.address));
    if (inside)
      return { code: 'URL_PRIVATE_ADDRESS', message: `${host} resolves to ${inside.address}, a private, loopback or reserved address` };
  }
  const [first] = addresses;
  return { url, address: first!.address, family: first!.family === 6 ? 6 : 4 };
}
