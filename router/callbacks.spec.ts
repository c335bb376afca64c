import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { IDENTITY_HEADER } from '../platform/auth/identity-header.ts';
import { createHttpServer } from '../platform/http/http-server.ts';
import { createLogger } from '../platform/observability/log.ts';
import { CALLBACK_BODY_LIMIT_BYTES, callbackForwarder } from './callbacks.ts';

/**
 * The router's /callbacks/ forwarding, between a real HTTP client and a
 * stand-in for the payments server: providers sign the exact bytes and
 * headers they send, so both must arrive unchanged.
 */
type Seen = { method: string; url: string; headers: IncomingMessage['headers']; body: Buffer };

const listenOn = async (server: Server) => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

describe('forwarding provider callbacks to payments', () => {
  let payments: Server;
  let router: Server;
  let routerUrl: string;
  let seen: Seen[];

  beforeAll(async () => {
    payments = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
        res.writeHead(401, { 'content-type': 'application/json', 'x-internal': 'not for providers' });
        res.end('{"code":"FAIL","message":"signature"}');
      });
    });
    const paymentsUrl = `${await listenOn(payments)}/graphql`;
    const forward = callbackForwarder(paymentsUrl);
    router = createHttpServer((req, res) => forward(req, res), createLogger('router-test', { quiet: true }));
    routerUrl = await listenOn(router);
  });
  beforeEach(() => {
    seen = [];
  });
  afterAll(() => {
    router.close();
    payments.close();
  });

  it('passes the body byte for byte and the signed headers, but never a bearer token or an identity header', async () => {
    const body = Buffer.from([0x7b, 0xff, 0x00, 0xe4, 0xb8, 0xad, 0x7d]); // not even valid UTF-8
    const response = await fetch(`${routerUrl}/callbacks/wechatpay?x=1`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'wechatpay-signature': 'c2lnbmF0dXJl',
        'wechatpay-timestamp': '1700000000',
        authorization: 'Bearer someone',
        [IDENTITY_HEADER]: 'forged',
      },
      body,
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('x-internal')).toBeNull();
    expect(await response.json()).toEqual({ code: 'FAIL', message: 'signature' });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.method).toBe('POST');
    expect(seen[0]!.url).toBe('/callbacks/wechatpay?x=1');
    expect(seen[0]!.body.equals(body)).toBe(true);
    expect(seen[0]!.headers).toMatchObject({ 'wechatpay-signature': 'c2lnbmF0dXJl', 'wechatpay-timestamp': '1700000000' });
    expect(seen[0]!.headers).not.toHaveProperty('authorization');
    expect(seen[0]!.headers).not.toHaveProperty(IDENTITY_HEADER);
  });

  it('refuses a body larger than a callback can be, without bothering payments', async () => {
    const response = await fetch(`${routerUrl}/callbacks/alipay`, { method: 'POST', body: 'x'.repeat(CALLBACK_BODY_LIMIT_BYTES + 1) });
    expect(response.status).toBe(413);
    expect(seen).toEqual([]);
  });

  it('answers 502, so the provider retries later, when payments does not answer', async () => {
    const down = createServer();
    const downUrl = await listenOn(down);
    down.close();
    const forward = callbackForwarder(`${downUrl}/graphql`, { timeoutMs: 2000 });
    const edge = createHttpServer((req, res) => forward(req, res), createLogger('router-test', { quiet: true }));
    const edgeUrl = await listenOn(edge);
    try {
      const response = await fetch(`${edgeUrl}/callbacks/alipay`, { method: 'POST', body: 'a=1' });
      expect(response.status).toBe(502);
      expect(await response.json()).toEqual({ code: 'FAIL', message: expect.stringContaining('payments service did not answer') });
    } finally {
      edge.close();
    }
  });

  it('answers 404 when the supergraph has no payments subgraph', async () => {
    const forward = callbackForwarder(undefined);
    const edge = createHttpServer((req, res) => forward(req, res), createLogger('router-test', { quiet: true }));
    const edgeUrl = await listenOn(edge);
    try {
      expect((await fetch(`${edgeUrl}/callbacks/wechatpay`, { method: 'POST', body: '{}' })).status).toBe(404);
    } finally {
      edge.close();
    }
  });
});
