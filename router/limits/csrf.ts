import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendError } from '../../platform/http/graphql-over-http.ts';

/** Content types a browser sends cross-site without asking first (a CORS "simple" request). */
const SIMPLE_CONTENT_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']);
/** Headers a page cannot set cross-site without a preflight, which this router never grants. */
const PREFLIGHT_HEADERS = ['apollo-require-preflight', 'x-apollo-operation-name'];

/**
 * CSRF prevention, Apollo's rule (which Apollo Server applies too, with a
 * BAD_REQUEST code; this answers first, with a code of its own): a request is
 * served only if a browser would have had to ask before sending it
 * cross-site, that is when its content-type is not a simple one (JSON, as the
 * web client and GraphiQL send) or it carries one of PREFLIGHT_HEADERS. A GET
 * has no content type, so a GET needs the header. Otherwise a page on another
 * site could make a signed-in browser run a query or mutation here.
 * Answers 400 CSRF_REFUSED and returns true when it refuses.
 */
export function refuseCrossSiteRequest(req: IncomingMessage, res: ServerResponse): boolean {
  const contentType = req.headers['content-type'];
  if (contentType !== undefined) {
    const essence = contentType.split(';')[0]!.trim().toLowerCase();
    if (!SIMPLE_CONTENT_TYPES.has(essence)) return false;
  }
  if (PREFLIGHT_HEADERS.some((name) => (req.headers[name]?.length ?? 0) > 0)) return false;
  sendError(
    res,
    400,
    'CSRF_REFUSED',
    `refused as a possible cross-site request forgery: send content-type: application/json, or a non-empty ${PREFLIGHT_HEADERS.join(' or ')} header; received ${contentType === undefined ? 'no content-type' : `content-type ${contentType}`}`,
  );
  return true;
}
