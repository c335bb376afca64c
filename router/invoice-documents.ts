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
    let response: Response;
    try {
      response = await fetch(new URL(req.url ?? '/', invoicesUrl), { method, signal: AbortSignal.timeout(10_000) });
    } catch (error) {
      return sendError(res, 502, 'BAD_GATEWAY', `the invoices service did not answer (${(error as Error).message})`);
    }
    for (const name of ['content-type', 'content-disposition', 'cache-control']) {
      const value = response.headers.get(name);
      if (value !== null) res.setHeader(name, value);
    }
    res.writeHead(response.status);
    res.end(Buffer.from(await response.arrayBuffer()));
  };
}
