import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { AppError, invalid } from '@bazaar/kit';

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}

/** Loopback, private, link-local (the cloud metadata address among them), multicast or reserved. */
export const isPrivateAddress = (address: string): boolean => {
  const family = isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family !== 6) return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return blocked.check(mapped[1]!, 'ipv4');
  return blocked.check(address, 'ipv6');
};

export interface ResolvedAddress {
  address: string;
  family: number;
}

const bare = (hostname: string) => hostname.replace(/^\[(.*)\]$/, '$1');

/**
 * Resolves the host to every address it has; refuses it if any is private, so the address connected
 * to is always one that was checked.
 */
export const resolvePublic = async (hostname: string, allowPrivate: boolean): Promise<ResolvedAddress[]> => {
  const host = bare(hostname);
  const family = isIP(host);
  const addresses = family ? [{ address: host, family }] : await lookup(host, { all: true, verbatim: true });
  if (addresses.length === 0) throw new Error(`${host} has no address`);
  if (!allowPrivate && addresses.some((a) => isPrivateAddress(a.address))) {
    throw new AppError(
      'private_address',
      400,
      `'${host}' resolves to a loopback, private, link-local or metadata address; webhooks are only sent to public addresses.`,
      [{ field: 'url', code: 'private_address', message: 'The URL must point to a public address.' }],
    );
  }
  return addresses;
};

/** Checks an endpoint URL: http(s), https unless private addresses are allowed, and a public host. */
export const checkEndpointUrl = async (raw: string, allowPrivate: boolean): Promise<string> => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid('url', 'invalid_url', `'url' must be an absolute http(s) URL.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw invalid('url', 'invalid_url', `'url' must be an absolute http(s) URL.`);
  }
  if (url.username || url.password) {
    throw invalid('url', 'invalid_url', `'url' must not carry credentials.`);
  }
  if (url.protocol === 'http:' && !allowPrivate) {
    throw invalid('url', 'https_required', `'url' must use https.`);
  }
  try {
    await resolvePublic(url.hostname, allowPrivate);
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw invalid('url', 'invalid_url', `The host of 'url' does not resolve: ${url.hostname}.`);
  }
  return url.toString();
};
