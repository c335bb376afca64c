import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendError } from '../platform/http/graphql-over-http.ts';
import { forwardDocument } from './document-forwarding.ts';

/**
 * GET /invoices/* (the signed PDF links of `Invoice.pdfUrl`) goes to the
 * invoices subgraph unchanged. The link carries its own signature and expiry,
 * which invoices checks; the router adds no identity, as for a browser
 * following a download link.
 */
export function invoiceDocumentForwarder(invoicesUrl: string | undefined) {
  return async (req: IncomingMessage, res: ServerResponse, method: string): Promise<void> => {
    if (!invoicesUrl) return sendError(res, 404, 'NOT_FOUND', 'no invoices subgraph in this supergraph');
    await forwardDocument(req, res, method, new URL(req.url ?? '/', invoicesUrl), {
      service: 'invoices',
      what: 'invoice documents',
      responseHeaders: ['content-type', 'content-disposition', 'cache-control'],
    });
  };
}
