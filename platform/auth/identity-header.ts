import { createHmac, timingSafeEqual } from 'node:crypto';
import { BoundedMap } from '../runtime/bounded-map.ts';
import type { Identity, IdentityKind } from './identity.ts';

/**
 * The identity header: how a subgraph knows a request came through the router
 * (or another subgraph acting as a service) and who the caller is.
 *
 * Format: `v1.<base64url(JSON claims)>.<base64url(HMAC-SHA256(secret, "v1." + claims))>`.
 * Claims carry a short expiry so a captured header is useless soon after.
 * HMAC rather than a public-key signature because it is verified on every
 * subgraph fetch, where a few microseconds matter (see bench/).
 */
export const IDENTITY_HEADER = 'x-commerce-identity';

const VERSION = 'v1';
const DEFAULT_TTL_SECONDS = 60;
const KINDS: readonly IdentityKind[] = ['anonymous', 'member', 'staff', 'partner', 'service'];

type Claims = { k: IdentityKind; s: string | null; sc: readonly string[]; exp: number };

export function signIdentity(identity: Identity, secret: string, ttlSeconds = DEFAULT_TTL_SECONDS, now = Date.now()): string {
  const claims: Claims = {
    k: identity.kind,
    s: identity.subject,
    sc: identity.scopes,
    exp: Math.floor(now / 1000) + ttlSeconds,
  };
  const body = `${VERSION}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${body}.${mac(secret, body)}`;
}

export type VerifyResult = { ok: true; identity: Identity } | { ok: false; reason: string };

export function verifyIdentity(header: string | undefined, secret: string, now = Date.now()): VerifyResult {
  if (!header) return { ok: false, reason: `the ${IDENTITY_HEADER} header is missing` };
  const parts = header.split('.');
  if (parts.length !== 3 || parts[0] !== VERSION) return { ok: false, reason: `the ${IDENTITY_HEADER} header is malformed` };
  const body = `${parts[0]}.${parts[1]}`;
  const expected = Buffer.from(mac(secret, body));
  const received = Buffer.from(parts[2] ?? '');
  if (expected.length !== received.length || !timingSafeEqual(expected, received)) {
    return { ok: false, reason: `the ${IDENTITY_HEADER} signature is invalid` };
  }
  let claims: Claims;
  try {
    claims = JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString('utf8')) as Claims;
  } catch {
    return { ok: false, reason: `the ${IDENTITY_HEADER} claims are not JSON` };
  }
  if (typeof claims.exp !== 'number' || claims.exp * 1000 < now) {
    return { ok: false, reason: `the ${IDENTITY_HEADER} header has expired` };
  }
  if (!KINDS.includes(claims.k) || !Array.isArray(claims.sc)) {
    return { ok: false, reason: `the ${IDENTITY_HEADER} claims are invalid` };
  }
  return { ok: true, identity: { kind: claims.k, subject: claims.s ?? null, scopes: claims.sc } };
}

/**
 * `verifyIdentity` for a server: the same answers, but a header it has
 * accepted before is accepted again without a second HMAC and JSON parse
 * until it expires. The router signs one header per request, yet the claims
 * (expiry in whole seconds) and so the header repeat for every request of the
 * same caller within a second; under load most headers are repeats.
 *
 * Same answers because a header's signature and claims are fixed by its text:
 * only the expiry depends on the time, and it is checked on every hit exactly
 * as verifyIdentity checks it. Only accepted headers are kept (a forged one
 * is checked every time), at most `maxEntries` of them (then all are
 * dropped), and their identities are frozen since requests now share them.
 */
export function identityVerifier(secret: string, maxEntries = 1000): (header: string | undefined, now?: number) => VerifyResult {
  const accepted = new BoundedMap<string, { result: VerifyResult; expiresAtMs: number }>(maxEntries);
  return (header, now = Date.now()) => {
    if (!header) return verifyIdentity(header, secret, now);
    const known = accepted.get(header);
    if (known && known.expiresAtMs >= now) return known.result;
    const result = verifyIdentity(header, secret, now);
    if (result.ok) {
      Object.freeze(result.identity.scopes);
      Object.freeze(result.identity);
      accepted.set(header, { result: Object.freeze(result), expiresAtMs: expiryOf(header) * 1000 });
    }
    return result;
  };
}

/** The `exp` claim of a header verifyIdentity has just accepted (so it parses, and `exp` is a number). */
function expiryOf(header: string): number {
  return (JSON.parse(Buffer.from(header.split('.')[1] ?? '', 'base64url').toString('utf8')) as Claims).exp;
}

function mac(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body).digest('base64url');
}
