import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { IDENTITY_HEADER, verifyIdentity } from '../auth/identity-header.ts';
import { createServiceClient, PeerUnavailable } from './service-client.ts';

const SECRET = 'service-client-spec-secret';

/** A stand-in subgraph on a free port: `answer` decides each response. */
async function peer(answer: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; server: Server }> {
  const server = createServer(answer);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, server };
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

describe('createServiceClient', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  });
  const client = (urls: Record<string, string>) =>
    createServiceClient({ caller: 'orders', scopes: ['stock:read'], secret: SECRET, urls, timeoutMs: 2000 });

  it('calls the peer under a signed service identity and resolves with its data', async () => {
    let identity: unknown = null;
    const stock = await peer((req, res) => {
      identity = verifyIdentity(req.headers[IDENTITY_HEADER] as string | undefined, SECRET);
      json(res, 200, { data: { ok: true } });
    });
    servers.push(stock.server);
    expect(await client({ stock: stock.url }).query('stock', '{ ok }')).toEqual({ ok: true });
    expect(identity).toEqual({ ok: true, identity: { kind: 'service', subject: 'orders', scopes: ['stock:read'] } });
  });

  it('fails with the one shared PeerUnavailable, naming the peer, however the peer fails to answer', async () => {
    const answersErrors = await peer((_req, res) => json(res, 200, { errors: [{ message: 'stock is read-only today' }] }));
    const answersNothing = await peer((_req, res) => json(res, 502, null));
    const gone = await peer((_req, res) => json(res, 200, {}));
    servers.push(answersErrors.server, answersNothing.server);
    await new Promise((resolve) => gone.server.close(resolve));
    const cases: [Record<string, string>, RegExp][] = [
      [{}, /call to stock failed: its URL is not known/],
      [{ stock: answersErrors.url }, /call to stock failed: stock is read-only today/],
      [{ stock: answersNothing.url }, /call to stock failed: HTTP 502/],
      [{ stock: gone.url }, /call to stock failed: /],
    ];
    for (const [urls, message] of cases) {
      const failure = await client(urls)
        .query('stock', '{ ok }')
        .then(
          () => null,
          (error: unknown) => error,
        );
      expect(failure).toBeInstanceOf(PeerUnavailable);
      expect(failure).toMatchObject({ name: 'PeerUnavailable', target: 'stock', message: expect.stringMatching(message) });
    }
  });
});
