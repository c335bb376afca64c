import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendError } from '../platform/http/graphql-over-http.ts';
import { forwardDocument } from './document-forwarding.ts';

/**
 * GET /images/<sha256> (the URLs of `ProductImage.url`): a product picture,
 * fetched from the catalogue's /product-images route. Public, as product pages
 * are. A path that cannot name a picture is refused here, before any fetch;
 * the catalogue answers 404 IMAGE_NOT_FOUND for a hash no product has, and
 * sets the headers passed back: the type the bytes were checked to be at
 * upload, an ETag and a year's immutable caching (the path names the bytes),
 * nosniff and a policy under which the response can run nothing.
 */
const IMAGE_PATH = /^\/images\/([0-9a-f]{64})$/;

export function productImageForwarder(catalogueUrl: string | undefined) {
  return async (req: IncomingMessage, res: ServerResponse, path: string, method: string): Promise<void> => {
    const hash = IMAGE_PATH.exec(path)?.[1];
    if (!hash) {
      return sendError(res, 400, 'INVALID_IMAGE_HASH', 'a picture is at /images/ and the 64 lower-case hex digits of its SHA-256');
    }
    if (!catalogueUrl) return sendError(res, 404, 'NOT_FOUND', 'no catalogue subgraph in this supergraph');
    await forwardDocument(req, res, method, new URL(`/product-images?hash=${hash}`, catalogueUrl), {
      service: 'catalogue',
      what: 'product pictures',
      requestHeaders: ['if-none-match'],
      responseHeaders: ['content-type', 'content-length', 'cache-control', 'etag', 'content-security-policy', 'x-content-type-options'],
    });
  };
}
