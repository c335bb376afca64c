import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendError } from '../platform/http/graphql-over-http.ts';

/**
 * The router's forwarding of plain GET/HEAD documents that a subgraph serves
 * outside GraphQL (invoice PDFs, product pictures): the caller's request goes
 * to the subgraph's `target` with only the request headers named, under a
 * 10 s deadline, and the answer comes back with only the response headers
 * named. The router adds no identity: a document is either public or carries
 * its own proof (a signed link), as for a browser following a link.
 */
export type DocumentForwarding = {
  /** The subgraph, as named in error messages. */
  service: string;
  /** What the documents are, as named in a 405's message. */
  what: string;
  /** The caller's request headers passed on (If-None-Match for a revalidation). */
  requestHeaders?: readonly string[];
  /** The subgraph's response headers passed back. */
  responseHeaders: readonly string[];
};

export async function forwardDocument(
  req: IncomingMessage,
  res: ServerResponse,
  method: string,
  target: URL,
  forwarding: DocumentForwarding,
): Promise<void> {
  if (method !== 'GET' && method !== 'HEAD') {
    return sendError(res, 405, 'BAD_REQUEST', `${forwarding.what} answer GET and HEAD; received ${method}`, { allow: 'GET, HEAD' });
  }
  const headers: Record<string, string> = {};
  for (const name of forwarding.requestHeaders ?? []) {
    const value = req.headers[name];
    if (typeof value === 'string') headers[name] = value.slice(0, 1024);
  }
  const deadline = AbortSignal.timeout(10_000);
  let response: Response;
  try {
    response = await fetch(target, { method, headers, signal: deadline }).catch((error: unknown) => {
      // GET and HEAD are safe to send again: once, when the connection failed (a kept-alive socket the
      // subgraph had just closed), never after the deadline.
      if (deadline.aborted) throw error;
      return fetch(target, { method, headers, signal: deadline });
    });
  } catch (error) {
    const cause = (error as Error & { cause?: Error }).cause?.message;
    return sendError(
      res,
      502,
      'BAD_GATEWAY',
      `the ${forwarding.service} service did not answer (${(error as Error).message}${cause ? `: ${cause}` : ''})`,
    );
  }
  for (const name of forwarding.responseHeaders) {
    const value = response.headers.get(name);
    if (value !== null) res.setHeader(name, value);
  }
  res.writeHead(response.status);
  res.end(Buffer.from(await response.arrayBuffer()));
}
