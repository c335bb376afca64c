import type { IncomingMessage, ServerResponse } from 'node:http';
import { invoiceDocumentForwarder } from './invoice-documents.ts';
import { productImageForwarder } from './product-images.ts';

/**
 * The documents the router serves from subgraphs outside GraphQL, by path
 * prefix: invoice PDFs (/invoices/) and product pictures (/images/). Answers
 * whether the path was one of them (and so has been answered).
 */
export function subgraphDocuments(urlOf: ReadonlyMap<string, string>) {
  const invoices = invoiceDocumentForwarder(urlOf.get('invoices'));
  const images = productImageForwarder(urlOf.get('catalogue'));
  return async (req: IncomingMessage, res: ServerResponse, path: string, method: string): Promise<boolean> => {
    if (path.startsWith('/invoices/')) await invoices(req, res, method);
    else if (path.startsWith('/images/')) await images(req, res, path, method);
    else return false;
    return true;
  };
}
