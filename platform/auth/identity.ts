/**
 * Who is calling. The router establishes it once per request (from a bearer
 * JWT or, later, an API key) and hands it to subgraphs in a signed header.
 */
export type IdentityKind = 'anonymous' | 'member' | 'staff' | 'partner' | 'service';

export type Identity = {
  kind: IdentityKind;
  /** Member id, staff id, API key id or service name; null when anonymous. */
  subject: string | null;
  /** Scopes such as `catalogue:write`; see docs/architecture.md §4. */
  scopes: readonly string[];
  /**
   * A partner whose API key is bound to a client's trusted documents runs only those
   * (router/trusted-documents/gate.ts). Known at the router only; never signed for subgraphs.
   */
  documentsClient?: string;
  /**
   * A partner key's own limits, where it has them (router/limits/): its requests a minute, the
   * most an operation may cost, the subscriptions it may hold open. Known at the router only.
   */
  keyLimits?: KeyLimits;
};

/** A partner key's own limits; one left out is the router's default for every partner key. */
export type KeyLimits = { requestsPerMinute?: number; maxQueryCost?: number; maxSubscriptions?: number };

export const ANONYMOUS: Identity = Object.freeze({ kind: 'anonymous', subject: null, scopes: Object.freeze([]) });

export function hasScope(identity: Identity, scope: string): boolean {
  return identity.scopes.includes(scope);
}

/**
 * `@requiresScopes(scopes: [[Scope!]!]!)` semantics (Federation 2.5): the outer
 * list is OR, each inner list is AND.
 */
export function satisfiesScopes(identity: Identity, alternatives: readonly (readonly string[])[]): boolean {
  return alternatives.some((all) => all.every((scope) => identity.scopes.includes(scope)));
}
