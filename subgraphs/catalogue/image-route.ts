import type { SubgraphRoute } from '../../platform/graphql/subgraph.ts';
import { sendError } from '../../platform/http/graphql-over-http.ts';
import { imageContent } from './image-repository.ts';

/**
 * GET /product-images?hash=<sha256>: a product picture's bytes, which the
 * router serves at /images/<sha256> (router/product-images.ts). Public, as
 * the pictures are on public product pages, so outside the router's identity
 * signature. The hash names the bytes, so an answer never changes: it may be
 * cached for a year and revalidated by its ETag alone. The headers keep a
 * browser from reading the bytes as anything but the image type they were
 * checked to be at upload (image-format.ts).
 */
export const PRODUCT_IMAGES_PATH = '/product-images';

/** The lower-case hex SHA-256 that names a picture. */
export const IMAGE_HASH = /^[0-9a-f]{64}$/;

const IMMUTABLE = 'public, max-age=31536000, immutable';

const serveImage: SubgraphRoute = async (req, res, services) => {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return sendError(res, 405, 'BAD_REQUEST', `product pictures answer GET and HEAD; received ${req.method}`, { allow: 'GET, HEAD' });
  }
  const hash = new URL(req.url ?? '/', 'http://catalogue').searchParams.get('hash') ?? '';
  if (!IMAGE_HASH.test(hash)) {
    return sendError(res, 400, 'INVALID_IMAGE_HASH', 'a picture is named by the 64 lower-case hex digits of its SHA-256');
  }
  const etag = `"${hash}"`;
  const revalidating = matchesEtag(req.headers['if-none-match'], etag);
  const content = await imageContent(services.db, services.db.fork(), hash, { withBytes: !revalidating && req.method === 'GET' });
  if (!content) return sendError(res, 404, 'IMAGE_NOT_FOUND', `no product has a picture ${hash}`);
  const headers = {
    etag,
    'cache-control': IMMUTABLE,
    'x-content-type-options': 'nosniff',
    // Opened on its own, the response can run nothing and load nothing.
    'content-security-policy': "default-src 'none'; sandbox",
  };
  if (revalidating) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  res.writeHead(200, {
    ...headers,
    'content-type': content.contentType,
    'content-length': String(content.byteSize),
  });
  res.end(req.method === 'HEAD' ? undefined : content.bytes);
};

/** Whether an If-None-Match header names this ETag (weakly compared, as RFC 9110 says for GET), or is `*`. */
function matchesEtag(header: string | string[] | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const values = (Array.isArray(header) ? header.join(',') : header).split(',').map((value) => value.trim().replace(/^W\//, ''));
  return values.includes('*') || values.includes(etag);
}

export const catalogueRoutes: Record<string, SubgraphRoute> = { [PRODUCT_IMAGES_PATH]: serveImage };
