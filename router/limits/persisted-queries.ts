import type { ApolloServerOptions } from '@apollo/server';
import type { Logger } from '../../platform/observability/log.ts';
import type { RouterContext } from '../context.ts';
import { routerRedis } from '../redis.ts';

type PersistedQueryOptions = Exclude<NonNullable<ApolloServerOptions<RouterContext>['persistedQueries']>, false>;
type QueryCache = NonNullable<PersistedQueryOptions['cache']>;

/** How long a registered query is kept after its last registration. */
export const PERSISTED_QUERY_TTL_SECONDS = 24 * 60 * 60;

/**
 * Automatic persisted queries (Apollo's APQ protocol, GET and POST): a client
 * sends `extensions.persistedQuery.sha256Hash` alone; the router answers
 * PERSISTED_QUERY_NOT_FOUND (HTTP 200, as the protocol's clients expect) until
 * the client sends the query with its hash once, which registers it.
 *
 * Apollo Server does the protocol; this chooses where queries live: in Redis
 * when REDIS_URL is set, so every router replica knows a query registered at
 * any of them, else in Apollo Server's own memory cache (an LRU bounded to
 * about 30 MB). A registration whose hash is not the query's SHA-256 is
 * refused with 400 PERSISTED_QUERY_HASH_MISMATCH (error-codes.ts).
 */
export function persistedQueries(redisUrl: string | undefined, log: Logger) {
  const redis = redisUrl ? redisQueryCache(redisUrl, log) : undefined;
  const options: PersistedQueryOptions = { ttl: PERSISTED_QUERY_TTL_SECONDS, ...(redis ? { cache: redis.cache } : {}) };
  return {
    options,
    async close() {
      redis?.close();
    },
  };
}

/**
 * Apollo's key-value cache over Redis (Apollo Server puts its own `apq:` in
 * front of each hash, so keys are `router:apq:<sha256>`). A Redis outage makes every lookup a
 * miss (clients then send the full query, which still works) and is logged;
 * it never fails a request.
 */
export function redisQueryCache(url: string, log: Logger, prefix = 'router:') {
  const redis = routerRedis(url, 'persisted queries', log);
  const cache: QueryCache = {
    async get(key) {
      try {
        return (await redis.get(`${prefix}${key}`)) ?? undefined;
      } catch (error) {
        log.warn(`persisted query not looked up: ${(error as Error).message}`);
        return undefined;
      }
    },
    async set(key, value, options) {
      try {
        const ttl = options?.ttl;
        if (ttl) await redis.set(`${prefix}${key}`, value, 'EX', ttl);
        else await redis.set(`${prefix}${key}`, value);
      } catch (error) {
        log.warn(`persisted query not stored: ${(error as Error).message}`);
      }
    },
    async delete(key) {
      try {
        return (await redis.del(`${prefix}${key}`)) > 0;
      } catch {
        return false;
      }
    },
  };
  return { cache, redis, close: () => redis.disconnect() };
}
