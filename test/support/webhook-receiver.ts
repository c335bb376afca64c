import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as a partner's endpoint received it, and what it answered. */
export type ReceivedWebhook = { headers: IncomingHttpHeaders; body: string; status: number };

/**
 * A partner's webhook endpoint, for real, on a free local port: it records
 * every request and answers the first `failures` with 503, the rest with
 * 204; a test may change `failures` as it goes (the partner fixed its endpoint).
 */
export async function startWebhookReceiver(options: { failures: number }) {
  const received: ReceivedWebhook[] = [];
  const state = { failures: options.failures };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const status = received.length < state.failures ? 503 : 204;
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    get failures() {
      return state.failures;
    },
    set failures(value: number) {
      state.failures = value;
    },
    url: `http://127.0.0.1:${port}/hooks/stock`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
