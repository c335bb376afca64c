import type { IncomingMessage, ServerResponse } from 'node:http';
import { invoiceDocumentForwarder } from './invoice-documents.ts';
import { type Admission, sendOverloaded } from './limits/admission.ts';
import { productImageForwarder } from './product-images.ts';

/**
 * The documents the router serves from subgraphs outside GraphQL, by path
 * prefix: invoice PDFs (/invoices/) and product pictures (/images/). Answers
 * whether the path was one of them (and so has been answered).
 *
 * They pass the same door as GraphQL requests (MAX_REQUESTS_IN_FLIGHT): each
 * one holds a subgraph connection while it streams, so a flood of picture
 * requests would otherwise tie up the router and the catalogue beyond the
 * limit that protects both. A request past it gets 503 OVERLOADED at once.
 */
export function subgraphDocuments(urlOf: ReadonlyMap<string, string>, admitted: Admission, onShed: () => void) {
  const invoices = invoiceDocumentForwarder(urlOf.get('invoices'));
  const images = productImageForwarder(urlOf.get('catalogue'));
  return async (req: IncomingMessage, res: ServerResponse, path: string, method: string): Promise<boolean> => {
    const forward = path.startsWith('/invoices/')
      ? () => invoices(req, res, method)
      : path.startsWith('/images/')
        ? () => images(req, res, path, method)
        : null;
    if (!forward) return false;
    if (!admitted.tryEnter()) {
      onShed();
      sendOverloaded(res);
      return true;
    }
    try {
      await forward();
    } finally {
      admitted.leave();
    }
    return true;
  };
}
