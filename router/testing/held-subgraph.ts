import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { IDENTITY_HEADER, verifyIdentity } from '../../platform/auth/identity-header.ts';

/**
 * A subgraph that holds every request until told to answer, so the test
 * decides which fetches are in flight together. It answers with what it
 * received (the caller it saw and the request's id), so a merged answer shows
 * whose fetch was sent.
 */
export function heldSubgraph(secret: string) {
  const held: { req: IncomingMessage; res: ServerResponse; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => held.push({ req, res, body }));
  });
  return {
    held,
    /** Answers every held request with HTTP `status`: an echo when 200, a plain-text error otherwise (e.g. 503, a proxy's answer). */
    answerAll(status = 200) {
      for (const { req, res, body } of held.splice(0)) {
        if (status !== 200) {
          res.writeHead(status, { 'content-type': 'text/plain' });
          res.end('unavailable');
          continue;
        }
        const caller = verifyIdentity(req.headers[IDENTITY_HEADER] as string, secret);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            data: { echo: { query: (JSON.parse(body) as { query: string }).query, caller: caller.ok ? caller.identity.subject : null } },
          }),
        );
      }
    },
    ...onFreePort(server),
  };
}

/** Starting and stopping a test subgraph's HTTP server on a free local port; `start` resolves with its GraphQL URL. */
export function onFreePort(server: Server) {
  return {
    async start() {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
