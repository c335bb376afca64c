import { createHash } from 'node:crypto';
import type { ServiceClient } from '../../platform/http/service-client.ts';
import type { Logger } from '../../platform/observability/log.ts';

/**
 * What the members subgraph says of a partner's `x-api-key`: the key's id, scopes, the client whose
 * trusted documents it is bound to, when this secret stops working (its expiry, or the end of a
 * rotation's overlap) and the key's own limits (null: the router's default), or null (unknown,
 * revoked or expired).
 */
export type ApiKeyHolder = {
  id: string;
  scopes: string[];
  documentsClient?: string | null;
  expiresAt?: string | null;
  requestsPerMinute?: number | null;
  maxQueryCost?: number | null;
  maxSubscriptions?: number | null;
};
export type ApiKeyLookup = (secret: string) => Promise<ApiKeyHolder | null>;

/** The router's service scopes for asking members about keys (and reporting their use), trusted documents and webhooks. */
export const ROUTER_SERVICE_SCOPES = ['members:api-keys', 'members:trusted-documents', 'members:webhooks'] as const;

export function membersApiKeyLookup(services: ServiceClient): ApiKeyLookup {
  return async (secret) => {
    const answer = await services.query<{ authenticateApiKey: ApiKeyHolder | null }>(
      'members',
      `query RouterApiKey($secret: String!) {
        authenticateApiKey(secret: $secret) { id scopes documentsClient expiresAt requestsPerMinute maxQueryCost maxSubscriptions }
      }`,
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

type PendingUsage = { requests: number; errors: number; cost: number; lastUsedAt: Date };

/**
 * Counts per key the requests let through, the operations answered with
 * errors and the cost of the operations executed (api-key-usage-plugin.ts),
 * and reports them to members every `intervalMs` (`recordApiKeyUsage`), so a
 * key's usage per day is kept without a database write per request. Counts
 * that could not be reported are kept for the next round.
 */
export function apiKeyUsageReporter(services: ServiceClient, log: Logger, intervalMs = 5000) {
  let pending = new Map<string, PendingUsage>();
  const flush = async () => {
    if (pending.size === 0) return;
    const batch = pending;
    pending = new Map();
    const usage = [...batch].map(([id, entry]) => ({ id, ...entry, lastUsedAt: entry.lastUsedAt.toISOString() }));
    try {
      await services.query('members', 'mutation RouterApiKeyUsage($usage: [ApiKeyUsageInput!]!) { recordApiKeyUsage(usage: $usage) }', {
        usage,
      });
    } catch (error) {
      log.warn(`API key usage not reported yet (${(error as Error).message}); it will be retried`);
      for (const [id, entry] of batch) add(id, entry);
    }
  };
  const add = (id: string, counts: PendingUsage) => {
    const entry = pending.get(id);
    if (entry) {
      entry.requests += counts.requests;
      entry.errors += counts.errors;
      entry.cost += counts.cost;
      if (counts.lastUsedAt > entry.lastUsedAt) entry.lastUsedAt = counts.lastUsedAt;
    } else pending.set(id, { ...counts });
  };
  const timer = setInterval(() => void flush(), intervalMs);
  timer.unref();
  return {
    /** A request (or subscription) of the key was let through. */
    record: (id: string) => add(id, { requests: 1, errors: 0, cost: 0, lastUsedAt: new Date() }),
    /** An operation of the key was answered: with errors or not, and what it cost (0 when it was not executed). */
    recordOutcome: (id: string, outcome: { failed: boolean; cost: number }) =>
      add(id, { requests: 0, errors: outcome.failed ? 1 : 0, cost: outcome.cost, lastUsedAt: new Date() }),
    flush,
    async stop() {
      clearInterval(timer);
      await flush();
    },
  };
}
