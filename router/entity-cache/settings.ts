import type { CommonConfig } from '../../platform/config/common.ts';
import { declareSettings, oneOf, text, wholeNumber } from '../../platform/config/env.ts';

/**
 * The router's entity cache settings (docs/architecture.md §12), apart from
 * router/config.ts, which is near its length limit.
 */
export type EntityCacheSettings = {
  /** ENTITY_CACHE: whether the router keeps declared entity answers (on) or fetches every one (off). */
  entityCache: 'on' | 'off';
  /** ENTITY_CACHE_MAX_BYTES: the most memory the kept answers take, counted as two bytes a character plus a fixed overhead each. */
  entityCacheMaxBytes: number;
  /** ENTITY_CACHE_TTL_SECONDS: the longest an answer is served, in case the event that should drop it never arrives. */
  entityCacheTtlSeconds: number;
  /** ENTITY_CACHE_MAX_ENTRY_BYTES: with REDIS_URL, the largest answer (UTF-8 bytes) kept in Redis; larger ones are fetched every time. */
  entityCacheMaxEntryBytes: number;
  /** ENTITY_CACHE_REDIS_PREFIX: what every entity cache key in Redis starts with; routers sharing a cache share it. */
  entityCacheRedisPrefix: string;
  /** ENTITY_CACHE_ANSWER_MAX_BYTES: without REDIS_URL, the most memory whole answers of public operations take; 0 keeps none. */
  entityCacheAnswerMaxBytes: number;
  /** ENTITY_CACHE_HTTP_MAX_AGE_SECONDS: the max-age of a public GET answer's Cache-Control; 0 makes every answer `private, no-store`. */
  entityCacheHttpMaxAgeSeconds: number;
};

const enabled = oneOf('ENTITY_CACHE', ['on', 'off'], {
  default: 'on',
  description:
    'Whether the router answers entity fetches of types, and fetches of root fields, a subgraph declares `@entityCache` from its memory (from Redis, shared by every router, when `REDIS_URL` is set), dropping them when the events the declaration names arrive (`off`: every fetch reaches its subgraph, and answers are the same). On by default: an answer is dropped by the event of the change itself, so it is never older than the change once the event is delivered, and a writer sees their own write at once. Stays off when the router hears no events (a router of its own without `AMQP_URL`).',
});
const maxBytes = wholeNumber('ENTITY_CACHE_MAX_BYTES', {
  default: 64 * 1024 * 1024,
  min: 0,
  max: 64 * 1024 * 1024 * 1024,
  unit: 'bytes',
  description:
    'Without `REDIS_URL`: the most memory the entity cache holds (two bytes a character of key and answer, plus 256 bytes each); the least recently used answers go first. Nothing a caller sends can grow it past this.',
});
const answerMaxBytes = wholeNumber('ENTITY_CACHE_ANSWER_MAX_BYTES', {
  default: 32 * 1024 * 1024,
  min: 0,
  max: 64 * 1024 * 1024 * 1024,
  unit: 'bytes',
  description:
    "Without `REDIS_URL`: the most memory the router's whole answers of public operations hold (a query whose every subgraph fetch is a declared public root field or public entity: served whole, after every check, until an event drops any part of it; two bytes a character of key and answer plus 256 bytes each and 64 a name it depends on), least recently used out first. `0` keeps none. With `REDIS_URL` none are kept (a write at another router would not hide them from its writer).",
});
const ttlSeconds = wholeNumber('ENTITY_CACHE_TTL_SECONDS', {
  default: 300,
  min: 1,
  // Invoices' answers carry PDF links signed for 15 minutes: a kept answer must leave its link time to be used.
  max: 600,
  unit: 'seconds',
  description:
    'The longest an entity answer is served. Events are not expected to be lost (the outbox delivers each at least once, and the router drops everything when its connection to RabbitMQ breaks), so this only bounds the damage of a change that leaves no event: a fix made in a database by hand, a restored backup. Five minutes: long enough that popular answers are fetched once, short enough for such a fix. At most ten: a kept invoice answer carries a PDF link signed for fifteen minutes, which must still work when it is served.',
});

const maxEntryBytes = wholeNumber('ENTITY_CACHE_MAX_ENTRY_BYTES', {
  default: 256 * 1024,
  min: 1,
  max: 64 * 1024 * 1024,
  unit: 'bytes',
  description:
    "With `REDIS_URL`: the largest entity answer (UTF-8 bytes) the router keeps in Redis, where the cache is shared by every router; a larger one is fetched from its subgraph every time. Every key there expires after `ENTITY_CACHE_TTL_SECONDS`; how much memory Redis may use in all and what it evicts first are its own `maxmemory` and `maxmemory-policy`, the Redis operator's choice (`ENTITY_CACHE_MAX_BYTES` bounds only the in-memory cache of a router without `REDIS_URL`).",
});

const redisPrefix = text('ENTITY_CACHE_REDIS_PREFIX', {
  default: 'router:entity:',
  pattern: /^[A-Za-z0-9_.:-]{1,64}$/,
  rule: 'must be 1 to 64 letters, digits, `_`, `.`, `:` or `-`',
  description:
    "With `REDIS_URL`: what every key of the entity cache in Redis starts with. The routers of one deployment share it (they share the cache); two deployments sharing a Redis (staging beside production, test runs) must not, or one would serve the other's answers.",
});

const httpMaxAgeSeconds = wholeNumber('ENTITY_CACHE_HTTP_MAX_AGE_SECONDS', {
  default: 5,
  min: 0,
  max: 3600,
  unit: 'seconds',
  description:
    "The `max-age` of `Cache-Control: public` on a GET answer that is public through and through (an anonymous caller's query without errors whose every subgraph fetch the entity cache may keep for everyone); every other answer is `private, no-store`. Small on purpose: the router drops its own entries by event, but no event reaches a CDN's or a browser's copy, so this is how much older than a change such a copy may be. `0`: nothing is public.",
});

export const entityCacheSettings = declareSettings<CommonConfig, EntityCacheSettings>({
  readBy: 'router',
  settings: [enabled, maxBytes, answerMaxBytes, ttlSeconds, maxEntryBytes, redisPrefix, httpMaxAgeSeconds],
  build: (read) => ({
    entityCache: read(enabled),
    entityCacheMaxBytes: read(maxBytes),
    entityCacheAnswerMaxBytes: read(answerMaxBytes),
    entityCacheTtlSeconds: read(ttlSeconds),
    entityCacheMaxEntryBytes: read(maxEntryBytes),
    entityCacheRedisPrefix: read(redisPrefix),
    entityCacheHttpMaxAgeSeconds: read(httpMaxAgeSeconds),
  }),
});
