import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Identity } from '../../platform/auth/identity.ts';
import { sendError } from '../../platform/http/graphql-over-http.ts';
import { headerValue } from '../../platform/http/http-server.ts';
import { refuseCrossSiteRequest } from '../limits/csrf.ts';
import type { Decision } from '../limits/rate-limit.ts';
import { sendRateLimited } from '../limits/rate-limited-response.ts';
import type { Credentials, IdentityResolver } from './identity.ts';

export type CallerCheck = {
  /** The same resolver the HTTP path and graphql-ws use: one cache of API keys, one key set. */
  resolveIdentity: IdentityResolver;
  /** The caller's rate limit, the same bucket HTTP requests draw from: every subscription request takes a token. */
  rateLimit?: (identity: Identity) => Promise<Decision>;
  /** Told of every request let through (a partner's API key usage counts it). */
  recordUse?: (identity: Identity) => void;
};

/**
 * The checks every GraphQL request over HTTP passes before its body is read,
 * ordinary (router/server.ts) or a subscription streamed over HTTP
 * (subscriptions/sse-server.ts, multipart-server.ts): CSRF, the
 * caller from `authorization` or `x-api-key` (401 UNAUTHENTICATED, or 503
 * when API keys cannot be checked now), then the caller's rate limit (429).
 * Returns the caller, or null once the refusal is answered.
 */
export async function checkCaller(
  req: IncomingMessage,
  res: ServerResponse,
  options: CallerCheck,
): Promise<{ identity: Identity; credentials: Credentials } | null> {
  if (refuseCrossSiteRequest(req, res)) return null;
  const credentials = { authorization: headerValue(req, 'authorization'), apiKey: headerValue(req, 'x-api-key') };
  const caller = await options.resolveIdentity(credentials);
  if (!caller.ok) {
    if (caller.status === 503) sendError(res, 503, 'SERVICE_UNAVAILABLE', caller.reason, { 'retry-after': '5' });
    else sendError(res, 401, 'UNAUTHENTICATED', caller.reason, { 'www-authenticate': `${caller.scheme} error="invalid_token"` });
    return null;
  }
  const decision = options.rateLimit ? await options.rateLimit(caller.identity) : ({ allowed: true } as const);
  if (!decision.allowed) {
    sendRateLimited(res, decision.retryAfterSeconds);
    return null;
  }
  options.recordUse?.(caller.identity);
  return { identity: caller.identity, credentials };
}
