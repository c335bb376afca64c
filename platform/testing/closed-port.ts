import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A local port that was free a moment ago and that nothing listens on now: a service that is away (Redis, a subgraph). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
