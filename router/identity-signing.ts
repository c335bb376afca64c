import type { Identity } from '../platform/auth/identity.ts';
import { signIdentity } from '../platform/auth/identity-header.ts';
import { BoundedMap } from '../platform/runtime/bounded-map.ts';

/** A signed header lives 60 s (the kit's default); reused for its first 20 s, every use has 40 s or more left. */
const REUSE_MS = 20_000;
/** Distinct callers remembered at once; past that the memory starts over rather than growing. */
const MAX_CALLERS = 10_000;

/** One string per distinct caller (kind, subject and scopes: everything an answer may depend on). */
export const identityKey = (identity: Identity) => `${identity.kind}\n${identity.subject ?? ''}\n${identity.scopes.join(' ')}`;

export type IdentitySigner = (identity: Identity) => string;

/**
 * Signs the identity header subgraphs verify (docs/architecture.md §4), once per caller
 * every 20 s instead of once per request: the header names only the caller,
 * so two requests of one caller carry the same claims anyway. Besides the HMAC
 * saved, equal headers let identical fetches of one caller be merged
 * (subgraph-http.ts).
 */
export function identitySigner(secret: string, now: () => number = Date.now): IdentitySigner {
  const signed = new BoundedMap<string, { header: string; at: number }>(MAX_CALLERS);
  return (identity) => {
    const key = identityKey(identity);
    const at = now();
    const known = signed.get(key);
    if (known && at - known.at < REUSE_MS) return known.header;
    const header = signIdentity(identity, secret, undefined, at);
    signed.set(key, { header, at });
    return header;
  };
}
