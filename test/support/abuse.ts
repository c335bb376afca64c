import { type IncomingHttpHeaders, request } from 'node:http';
import type { TestSystem } from './system.ts';

/**
 * What every abuse test checks after its attack: the router still answers a
 * well-behaved caller's ordinary query, completely and without errors.
 */
export async function expectWellBehavedQueryAnswered(system: TestSystem): Promise<void> {
  const { status, body } = await system.graphql('{ categories { id } }');
  expect(status).toBe(200);
  expect(body.errors).toBeUndefined();
}

/**
 * One request with its path sent exactly as written (fetch and URL normalize
 * `..` away before sending), optionally from a chosen local address, so a test
 * can act as a client on another machine (127.0.0.2, 127.0.0.3, ...).
 */
export function rawRequest(
  url: string,
  options: { path: string; method?: string; body?: string; headers?: Record<string, string>; localAddress?: string },
): Promise<{ status: number; body: string; headers: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(url);
    const req = request(
      {
        host: hostname,
        port,
        path: options.path,
        method: options.method ?? 'GET',
        headers: options.headers,
        localAddress: options.localAddress,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}
