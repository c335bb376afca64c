import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { attemptDelivery, signature } from './deliver.ts';

/**
 * One delivery attempt against real local HTTP servers: signed as the
 * `standardwebhooks` library verifies, bounded in time and in the answer
 * read, never following a redirect, and never connecting where the policy
 * forbids.
 */
const SECRET = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
const open: Server[] = [];

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const hits: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    hits.push(req);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  open.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, hits };
}

afterEach(async () => {
  for (const server of open.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const local = { timeoutMs: 2000, policy: { allowPrivate: true } };

describe('a webhook delivery attempt', () => {
  it('signs id, timestamp and body as Standard Webhooks says, verified by the standardwebhooks library', async () => {
    let seen: { headers: Record<string, string>; body: string } | undefined;
    const { url } = await serve((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        seen = { headers: req.headers as Record<string, string>, body };
        res.writeHead(200).end('ok');
      });
    });
    const outcome = await attemptDelivery({ id: 'msg_1', url, secret: SECRET, payload: '{"data":{"x":"é"}}' }, local);
    expect(outcome).toEqual(expect.objectContaining({ succeeded: true, responseCode: 200, error: null }));
    expect(seen!.body).toBe('{"data":{"x":"é"}}');
    expect(() => new Webhook(SECRET).verify(seen!.body, seen!.headers)).not.toThrow();
    const ts = Number(seen!.headers['webhook-timestamp']);
    expect(seen!.headers['webhook-signature']).toBe(signature(SECRET, 'msg_1', ts, seen!.body));
  });

  it('gives up on a receiver that does not answer within the timeout, as a failed attempt', async () => {
    const { url } = await serve(() => undefined);
    const outcome = await attemptDelivery({ id: 'msg_2', url, secret: SECRET, payload: '{}' }, { ...local, timeoutMs: 200 });
    expect(outcome).toEqual(expect.objectContaining({ succeeded: false, responseCode: null }));
    expect(outcome.error).toContain('no answer within 200 ms');
  });

  it('reads at most 64 KiB of an answer and still counts it by its status', async () => {
    let written = 0;
    const { url } = await serve((_, res) => {
      res.writeHead(200);
      // An endless answer: the attempt must end anyway.
      const chunk = Buffer.alloc(16 * 1024, 120);
      const pump = () => {
        while (written < 64 * 1024 * 1024 && res.write(chunk)) written += chunk.length;
        if (written < 64 * 1024 * 1024) res.once('drain', pump);
        else res.end();
      };
      pump();
    });
    const outcome = await attemptDelivery({ id: 'msg_3', url, secret: SECRET, payload: '{}' }, local);
    expect(outcome).toEqual(expect.objectContaining({ succeeded: true, responseCode: 200 }));
    expect(written).toBeLessThan(64 * 1024 * 1024);
  });

  it('does not follow a redirect: a 3xx is a failed attempt and its target is never called', async () => {
    const target = await serve((_, res) => res.writeHead(200).end());
    const { url } = await serve((_, res) => res.writeHead(302, { location: target.url }).end());
    const outcome = await attemptDelivery({ id: 'msg_4', url, secret: SECRET, payload: '{}' }, local);
    expect(outcome).toEqual(expect.objectContaining({ succeeded: false, responseCode: 302 }));
    expect(target.hits).toHaveLength(0);
  });

  it('never connects to a loopback receiver under the production policy', async () => {
    const { url, hits } = await serve((_, res) => res.writeHead(200).end());
    const https = url.replace('http:', 'https:');
    const outcome = await attemptDelivery(
      { id: 'msg_5', url: https, secret: SECRET, payload: '{}' },
      { ...local, policy: { allowPrivate: false } },
    );
    expect(outcome).toEqual(expect.objectContaining({ succeeded: false, responseCode: null }));
    expect(outcome.error).toMatch(/^URL_PRIVATE_ADDRESS/);
    const http = await attemptDelivery({ id: 'msg_6', url, secret: SECRET, payload: '{}' }, { ...local, policy: { allowPrivate: false } });
    expect(http.error).toMatch(/^URL_NOT_HTTPS/);
    expect(hits).toHaveLength(0);
  });
});
