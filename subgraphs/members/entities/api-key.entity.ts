import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/**
 * A partner's API key. Only the SHA-256 of the secret is stored (the secret is
 * 32 random bytes, so a fast hash is enough: there is nothing to guess), with
 * a short visible prefix so people can tell their keys apart. Usage counters
 * are kept up to date by the router, which reports them in batches.
 */
export const ApiKeyEntity = defineEntity({
  name: 'ApiKey',
  tableName: 'api_key',
  properties: {
    id: p.string().primary(),
    name: p.string(),
    prefix: p.string(),
    secretHash: p.string(),
    /** Space-separated, like a JWT's `scope` claim. */
    scopes: p.string(),
    createdBy: p.string(),
    createdAt: p.datetime(),
    revokedAt: p.datetime().nullable(),
    lastUsedAt: p.datetime().nullable(),
    requestCount: p.integer(),
    /** The client whose trusted documents are all this key may run; null when it is not bound. */
    documentsClient: p.string().nullable(),
    /** When the key stops working; null: until revoked. */
    expiresAt: p.datetime().nullable(),
    /** When the secret was last replaced (rotateApiKey). */
    rotatedAt: p.datetime().nullable(),
    /** The secret a rotation replaced, still accepted until previousSecretExpiresAt (the overlap window). */
    previousSecretHash: p.string().nullable(),
    previousSecretExpiresAt: p.datetime().nullable(),
    /** The key's own limits (accounts/api-key-limits.ts); null: the router's default for every partner key. */
    requestsPerMinute: p.integer().nullable(),
    maxQueryCost: p.integer().nullable(),
    maxSubscriptions: p.integer().nullable(),
  },
});
export type ApiKey = InferEntity<typeof ApiKeyEntity>;
