import type { IncomingMessage } from 'node:http';

/**
 * The client's address, for limits per source (anonymous writes, login
 * throttling). With no proxy in front (TRUSTED_PROXY_HOPS=0) it is the
 * socket's peer, and whatever the client put in X-Forwarded-For is ignored,
 * since anyone can write that header. Behind N proxies of our own, each
 * appends the address it saw, so the client is the entry N from the right of
 * the chain "X-Forwarded-For, peer"; entries further left were written by the
 * client and are not believed.
 */
export function clientAddressOf(req: IncomingMessage, trustedProxyHops: number): string | undefined {
  const peer = req.socket.remoteAddress;
  if (trustedProxyHops === 0) return peer;
  const header = req.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const chain = [...forwarded, ...(peer ? [peer] : [])];
  const client = chain[chain.length - 1 - trustedProxyHops] ?? chain[0];
  return client?.slice(0, 64);
}
