import { createHash } from 'node:crypto';
import type { ServiceClient } from '../../platform/http/service-client.ts';
import type { Logger } from '../../platform/observability/log.ts';

/**
 * What the members subgraph says of a partner's `x-api-key`: the key's id, scopes, the client whose
 * trusted documents it is bound to and when this secret stops working (its expiry, or the end of a
 * rotation's overlap), or null (unknown, revoked or expired).
 */
export type ApiKeyHolder = { id: string; scopes: string[]; documentsClient?: string | null; expiresAt?: string | null };
export type ApiKeyLookup = (secret: string) => Promise<ApiKeyHolder | null>;

/** The router's service scopes for asking members about keys (and reporting their use) and about trusted documents. */
export const ROUTER_SERVICE_SCOPES = ['members:api-keys', 'members:trusted-documents'] as const;

export function membersApiKeyLookup(services: ServiceClient): ApiKeyLookup {
  return async (secret) => {
    const answer = await services.query<{ authenticateApiKey: ApiKeyHolder | null }>(
      'members',
      'query RouterApiKey($secret: String!) { authenticateApiKey(secret: $secret) { id scopes documentsClient expiresAt } }',
      { secret },
    );
    return answer.authenticateApiKey;
  };
}

/** Bounds the cache: a flood of made-up keys must not grow memory without end. */
const MAX_ENTRIES = 10_000;

/**
 * Remembers each key's answer (also "unknown") for `ttlMs`, so a partner's
 * requests cost members one lookup every few seconds rather than one each, and
 * a revoked key stops working once its entry expires; a key's own expiry ends
 * its entry then, so an expired key is refused at once. Concurrent requests
 * with the same key share one lookup. Entries are keyed by the secret's hash,
 * so the cache never holds a usable secret.
 */
export function cachedApiKeyLookup(lookup: ApiKeyLookup, ttlMs: number, now: () => number = Date.now): ApiKeyLookup {
  const entries = new Map<string, { expires: number; answer: Promise<ApiKeyHolder | null> }>();
  return (secret) => {
    const id = createHash('sha256').update(secret).digest('base64url');
    const cached = entries.get(id);
    if (cached && cached.expires > now()) return cached.answer;
    if (entries.size >= MAX_ENTRIES) {
      for (const [key, entry] of entries) if (entry.expires <= now()) entries.delete(key);
      if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!);
    }
    const answer = lookup(secret);
    const entry = { expires: now() + ttlMs, answer };
    entries.set(id, entry);
    // A secret that expires (or whose rotation overlap ends) sooner is forgotten then: the next request is 401 at once.
    answer
      .then((holder) => {
        const until = holder?.expiresAt ? Date.parse(holder.expiresAt) : Number.NaN;
        if (Number.isFinite(until)) entry.expires = Math.min(entry.expires, until);
      })
      .catch(() => undefined);
    // A failed lookup (members down) is not remembered: the next request asks again.
    answer.catch(() => {
      if (entries.get(id)?.answer === answer) entries.delete(id);
    });
    return answer;
  };
}

/**
 * Counts requests per key and reports them to members every `intervalMs`
 * (`recordApiKeyUsage`), so a key's request count and last use are kept
 * without a database write per request. Counts that could not be reported
 * are kept for the next round.
 */
export function apiKeyUsageReporter(services: ServiceClient, log: Logger, intervalMs = 5000) {
  let pending = new Map<string, { requests: number; lastUsedAt: Date }>();
  const flush = async () => {
    if (pending.size === 0) return;
    const batch = pending;
    pending = new Map();
    const usage = [...batch].map(([id, entry]) => ({ id, requests: entry.requests, lastUsedAt: entry.lastUsedAt.toISOString() }));
    try {
      await services.query('members', 'mutation RouterApiKeyUsage($usage: [ApiKeyUsageInput!]!) { recordApiKeyUsage(usage: $usage) }', {
        usage,
      });
    } catch (error) {
      log.warn(`API key usage not reported yet (${(error as Error).message}); it will be retried`);
      for (const [id, entry] of batch) record(id, entry.requests, entry.lastUsedAt);
    }
  };
  const record = (id: string, requests = 1, at = new Date()) => {
    const entry = pending.get(id);
    if (entry) {
      entry.requests += requests;
      if (at > entry.lastUsedAt) entry.lastUsedAt = at;
    } else pending.set(id, { requests, lastUsedAt: at });
  };
  const timer = setInterval(() => void flush(), intervalMs);
  timer.unref();
  return {
    record: (id: string) => record(id),
    flush,
    async stop() {
      clearInterval(timer);
      await flush();
    },
  };
}
