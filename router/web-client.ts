import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';

/** The web client's page, resolved from this module so the router serves it from any working directory. */
export const WEB_CLIENT_PAGE = join(import.meta.dirname, '..', 'web-client', 'index.html');

/** Read on every request, so an edited page shows without a restart. */
export async function sendWebClient(res: ServerResponse, method: string): Promise<void> {
  const page = await readFile(WEB_CLIENT_PAGE);
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': page.length });
  res.end(method === 'HEAD' ? undefined : page);
}
