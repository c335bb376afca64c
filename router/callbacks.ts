import type { IncomingMessage, ServerResponse } from 'node:http';
import { IDENTITY_HEADER } from '../platform/auth/identity-header.ts';
import { RequestError, sendJson } from '../platform/http/graphql-over-http.ts';
import { traceHeaders } from '../platform/observability/tracing.ts';
import { CLIENT_ADDRESS_HEADER } from '../platform/runtime/request-scope.ts';
import { clientAddressOf } from './client-address.ts';

/**
 * Payment providers post their callbacks to the router's public origin
 * (POST /callbacks/wechatpay, /callbacks/alipay); in development the payment
 * simulator's pages live under /callbacks/simulator/. The router hands every
 * request under /callbacks/ to the payments subgraph as it came: the raw
 * body byte for byte and the headers the provider signed. No identity is
 * resolved or signed for them: the providers are outside callers, and their
 * own signatures, checked by payments, are the protection.
 */
export const CALLBACK_PREFIX = '/callbacks/';

export const isCallbackPath = (path: string) => path.startsWith(CALLBACK_PREFIX);

/** Callbacks are small; anything larger is not a provider's. */
export const CALLBACK_BODY_LIMIT_BYTES = 64 * 1024;

// Connection-level headers belong to one hop; the bearer token and our own identity header never go to a public route.
const NOT_FORWARDED = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
  'authorization',
  IDENTITY_HEADER,
]);
const ANSWER_HEADERS = ['content-type', 'cache-control', 'allow'];

async function readRawBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new RequestError(413, `a callback body is at most ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Forwards a /callbacks/ request to the payments subgraph at `paymentsUrl` (its GraphQL URL; the path is replaced). */
export function callbackForwarder(paymentsUrl: string | undefined, options: { timeoutMs?: number; trustedProxyHops?: number } = {}) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!paymentsUrl) {
      sendJson(res, 404, { code: 'FAIL', message: 'no payments subgraph in this supergraph to take callbacks' });
      return;
    }
    const method = req.method ?? 'GET';
    const body = method === 'GET' || method === 'HEAD' ? undefined : await readRawBody(req, CALLBACK_BODY_LIMIT_BYTES);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined || NOT_FORWARDED.has(name)) continue;
      headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const forwardedFor = req.headers['x-forwarded-for'];
    headers.set('x-forwarded-for', [forwardedFor, req.socket.remoteAddress].filter(Boolean).join(', '));
    // Whom payments counts refused callbacks against (its per-source budget), as the router's proxies vouch for it.
    const client = clientAddressOf(req, options.trustedProxyHops ?? 0);
    if (client) headers.set(CLIENT_ADDRESS_HEADER, client);
    else headers.delete(CLIENT_ADDRESS_HEADER);
    // The router's request span is the parent of payments' (a provider's own trace context is continued through it).
    for (const [name, value] of Object.entries(traceHeaders())) headers.set(name, value);
    let response: Response;
    try {
      response = await fetch(new URL(req.url ?? '/', paymentsUrl), {
        method,
        headers,
        body: body && new Uint8Array(body),
        redirect: 'manual',
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      // 5xx: the provider keeps the callback and sends it again later.
      sendJson(res, 502, { code: 'FAIL', message: `the payments service did not answer (${(error as Error).message})` });
      return;
    }
    const answer = Buffer.from(await response.arrayBuffer());
    for (const name of ANSWER_HEADERS) {
      const value = response.headers.get(name);
      if (value !== null) res.setHeader(name, value);
    }
    res.writeHead(response.status);
    res.end(answer);
  };
}
