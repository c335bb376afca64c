import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendError } from '../platform/http/graphql-over-http.ts';

/**
 * GET /invoices/* (the signed PDF links of `Invoice.pdfUrl`) goes to the
 * invoices subgraph unchanged. The link carries its own signature and expiry,
 * which invoices checks; the router adds no identity, as for a browser
 * following a download link.
 */
export function invoiceDocumentForwarder(invoicesUrl: string | undefined) {
  return async (req: IncomingMessage, res: ServerResponse, method: string): Promise<void> => {
    if (!invoicesUrl) return sendError(res, 404, 'NOT_FOUND', 'no invoices subgraph in this supergraph');
    if (method !== 'GET' && method !== 'HEAD') {
      return sendError(res, 405, 'BAD_REQUEST', `invoice documents answer GET and HEAD; received ${method}`, { allow: 'GET, HEAD' });
    }
    const target = new URL(req.url ?? '/', invoicesUrl);
    const deadline = AbortSignal.timeout(10_000);
    let response: Response;
    try {
      response = await fetch(target, { method, signal: deadline }).catch((error: unknown) => {
        // GET and HEAD are safe to send again: once, when the connection failed (a kept-alive socket the
        // invoices service had just closed), never after the deadline.
        if (deadline.aborted) throw error;
        return fetch(target, { method, signal: deadline });
      });
    } catch (error) {
      const cause = (error as Error & { cause?: Error }).cause?.message;
      return sendError(
        res,
        502,
        'BAD_GATEWAY',
        `the invoices service did not answer (${(error as Error).message}${cause ? `: ${cause}` : ''})`,
      );
    }
    for (const name of ['content-type', 'content-disposition', 'cache-control']) {
      const value = response.headers.get(name);
      if (value !== null) res.setHeader(name, value);
    }
    res.writeHead(response.status);
    res.end(Buffer.from(await response.arrayBuffer()));
  };
}
