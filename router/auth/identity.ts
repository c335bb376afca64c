import { ANONYMOUS, type Identity } from '../../subgraphs/kit/auth/identity.ts';
import { createTokenVerifier, InvalidTokenError, type JwtSettings } from '../../subgraphs/kit/auth/jwt.ts';
import type { Secrets } from '../../subgraphs/kit/auth/secrets.ts';

export type CallerResolution = { ok: true; identity: Identity } | { ok: false; reason: string };

/** Resolves the caller from a request's `authorization` header (undefined when absent). */
export type IdentityResolver = (authorization: string | undefined) => Promise<CallerResolution>;

/**
 * Who is calling, established once per request at the edge (DESIGN.md §4):
 * - no credentials: the anonymous caller, who may use public fields only;
 * - `authorization: Bearer <jwt>`: the member or staff the token names, once
 *   its signature, issuer, audience and expiry check out.
 * A credential that does not check out is refused (401), never downgraded to
 * anonymous: a client whose token expired must learn it, not see fewer fields.
 * API keys (`x-api-key`) come with the members subgraph.
 */
export async function createIdentityResolver(secrets: Secrets, settings: JwtSettings): Promise<IdentityResolver> {
  const verify = await createTokenVerifier(secrets.jwtVerificationKeys, settings);
  return async (authorization) => {
    // An empty header carries no credential; some tools send one when their token field is blank.
    if (authorization === undefined || authorization.trim() === '') return { ok: true, identity: ANONYMOUS };
    const [scheme = '', token, ...rest] = authorization.trim().split(/\s+/);
    if (scheme.toLowerCase() !== 'bearer') {
      // Echo the scheme to show the mistake, but never the credential: a bare token sent without a scheme looks like one.
      const received = /^[A-Za-z][A-Za-z0-9-]{0,19}$/.test(scheme) ? `"${scheme}"` : 'a value that names no scheme';
      return { ok: false, reason: `the authorization header must use the Bearer scheme; received ${received}` };
    }
    if (token === undefined || rest.length > 0) return { ok: false, reason: 'the authorization header must be "Bearer <token>"' };
    try {
      return { ok: true, identity: await verify(token) };
    } catch (error) {
      if (error instanceof InvalidTokenError) return { ok: false, reason: error.message };
      throw error;
    }
  };
}
