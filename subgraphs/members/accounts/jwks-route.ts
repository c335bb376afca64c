import { jwksOf } from '../../../platform/auth/jwt.ts';
import type { Secrets } from '../../../platform/auth/secrets.ts';
import type { SubgraphRoute } from '../../../platform/graphql/subgraph.ts';
import { sendError, sendJson } from '../../../platform/http/graphql-over-http.ts';

/**
 * `GET /.well-known/jwks.json`: the public keys of the tokens `login` signs
 * (the current key, then one being rotated out). Routers fetch it and cache
 * it, and fetch again when a token names a key id they have not seen, so a
 * new signing key needs no router restart.
 */
const published = new WeakMap<Secrets, ReturnType<typeof jwksOf>>();

export const serveJwks: SubgraphRoute = async (req, res, { secrets }) => {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendError(res, 405, 'BAD_REQUEST', `/.well-known/jwks.json answers GET and HEAD; received ${req.method}`, { allow: 'GET, HEAD' });
    return;
  }
  res.setHeader('cache-control', 'public, max-age=300');
  // The keys are fixed for the process's life: import and thumbprint them once, not per request.
  let jwks = published.get(secrets);
  if (!jwks) {
    jwks = jwksOf(secrets.jwtVerificationKeys);
    published.set(secrets, jwks);
  }
  sendJson(res, 200, await jwks);
};
