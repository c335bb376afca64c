import { ANONYMOUS, type Identity, type KeyLimits } from '../../platform/auth/identity.ts';
import {
  createTokenVerifier,
  InvalidTokenError,
  type JwtSettings,
  KeySetUnavailableError,
  type RemoteKeySet,
} from '../../platform/auth/jwt.ts';
import type { Secrets } from '../../platform/auth/secrets.ts';
import { BoundedMap } from '../../platform/runtime/bounded-map.ts';
import { hashKey } from '../merge-keys.ts';
import type { ApiKeyHolder, ApiKeyLookup } from './api-keys.ts';

/**
 * Why a request's credentials were refused: 401 for a credential that does
 * not check out (with the scheme that would help), 503 when it cannot be
 * checked right now (members, who knows API keys, does not answer).
 */
export type Refusal = { status: 401 | 503; reason: string; scheme: 'Bearer' | 'ApiKey' };
export type CallerResolution = { ok: true; identity: Identity } | ({ ok: false } & Refusal);

/** The credential headers of a request (undefined when absent). */
export type Credentials = { authorization: string | undefined; apiKey: string | undefined };
export type IdentityResolver = (credentials: Credentials) => Promise<CallerResolution>;

export type IdentityResolverOptions = {
  /** The members subgraph's published keys; tokens signed with a key not configured here are checked against it. */
  remoteKeys?: RemoteKeySet;
  /** Resolves `x-api-key`; without it an API key is refused. */
  apiKeys?: ApiKeyLookup;
};

const present = (value: string | undefined): value is string => value !== undefined && value.trim() !== '';

/**
 * Who is calling, established once per request at the edge (docs/architecture.md §4):
 * - no credentials: the anonymous caller, who may use public fields only;
 * - `authorization: Bearer <jwt>`: the member or staff the token names, once
 *   its signature, issuer, audience and expiry check out;
 * - `x-api-key: cpk_...`: the partner whose key it is, with the key's scopes and own limits.
 * A credential that does not check out is refused (401), never downgraded to
 * anonymous: a client whose token expired must learn it, not see fewer fields.
 * Both credentials at once are refused too: which one would count is a guess.
 */
export async function createIdentityResolver(
  secrets: Secrets,
  settings: JwtSettings,
  options: IdentityResolverOptions = {},
): Promise<IdentityResolver> {
  const verify = verifiedTokenMemory(await createTokenVerifier(secrets.jwtVerificationKeys, settings, options.remoteKeys), settings.now);
  const bearer = async (authorization: string): Promise<CallerResolution> => {
    const refuse = (reason: string): CallerResolution => ({ ok: false, status: 401, reason, scheme: 'Bearer' });
    const [scheme = '', token, ...rest] = authorization.trim().split(/\s+/);
    if (scheme.toLowerCase() !== 'bearer') {
      // Echo the scheme to show the mistake, but never the credential: a bare token sent without a scheme looks like one.
      const received = /^[A-Za-z][A-Za-z0-9-]{0,19}$/.test(scheme) ? `"${scheme}"` : 'a value that names no scheme';
      return refuse(`the authorization header must use the Bearer scheme; received ${received}`);
    }
    if (token === undefined || rest.length > 0) return refuse('the authorization header must be "Bearer <token>"');
    try {
      return { ok: true, identity: await verify(token) };
    } catch (error) {
      if (error instanceof InvalidTokenError) return refuse(error.message);
      if (error instanceof KeySetUnavailableError) return { ok: false, status: 503, reason: error.message, scheme: 'Bearer' };
      throw error;
    }
  };
  const apiKey = async (secret: string): Promise<CallerResolution> => {
    let holder: Awaited<ReturnType<ApiKeyLookup>>;
    try {
      holder = options.apiKeys ? await options.apiKeys(secret.trim()) : null;
    } catch {
      return { ok: false, status: 503, reason: 'API keys cannot be checked right now; retry shortly', scheme: 'ApiKey' };
    }
    if (!holder)
      return { ok: false, status: 401, reason: 'the x-api-key is not valid: it is unknown, revoked or expired', scheme: 'ApiKey' };
    const identity: Identity = { kind: 'partner', subject: holder.id, scopes: holder.scopes };
    if (holder.documentsClient) identity.documentsClient = holder.documentsClient;
    const keyLimits = keyLimitsOf(holder);
    if (keyLimits) identity.keyLimits = keyLimits;
    return { ok: true, identity };
  };
  // An empty header carries no credential; some tools send one when their token field is blank.
  return async ({ authorization, apiKey: key }) => {
    if (present(authorization) && present(key)) {
      return { ok: false, status: 401, reason: 'send either an authorization header or an x-api-key, not both', scheme: 'Bearer' };
    }
    if (present(authorization)) return bearer(authorization);
    if (present(key)) return apiKey(key);
    return { ok: true, identity: ANONYMOUS };
  };
}

/** The limits a key has of its own (members answers null for the others), or undefined when it has none. */
function keyLimitsOf(holder: ApiKeyHolder): KeyLimits | undefined {
  const limits: KeyLimits = {};
  if (typeof holder.requestsPerMinute === 'number') limits.requestsPerMinute = holder.requestsPerMinute;
  if (typeof holder.maxQueryCost === 'number') limits.maxQueryCost = holder.maxQueryCost;
  if (typeof holder.maxSubscriptions === 'number') limits.maxSubscriptions = holder.maxSubscriptions;
  return Object.keys(limits).length > 0 ? limits : undefined;
}

/** How long a verified token is taken on trust: short, so a key withdrawn from the key set stops counting soon. */
const VERIFIED_TOKEN_MEMORY_MS = 60_000;
/** Tokens remembered at once; past that the memory starts over rather than growing. */
const MAX_REMEMBERED_TOKENS = 10_000;

/**
 * Remembers tokens that verified, until they expire or for a minute at most.
 * A client sends the same token with every request, and checking an EdDSA
 * signature is the costliest step of admitting a request; a token that
 * verified once stays valid until its `exp`, which is still checked here.
 * Refused tokens are not remembered: each is checked again (and refused).
 */
function verifiedTokenMemory(verify: (token: string) => Promise<Identity>, now: () => number = Date.now) {
  const verified = new BoundedMap<string, { identity: Identity; until: number }>(MAX_REMEMBERED_TOKENS);
  return async (token: string): Promise<Identity> => {
    const at = now();
    // Keyed by the token's hash: a fixed size per entry, and the memory never holds a usable token.
    const key = hashKey(token);
    const known = verified.get(key);
    if (known && at < known.until) return known.identity;
    const identity = await verify(token);
    verified.set(key, { identity, until: Math.min(at + VERIFIED_TOKEN_MEMORY_MS, expiryOf(token)) });
    return identity;
  };
}

/** The `exp` of a token that has just verified, in milliseconds (0, remembered for no time, when it has none). */
export function expiryOf(token: string): number {
  try {
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' ? claims.exp * 1000 : 0;
  } catch {
    return 0;
  }
}
