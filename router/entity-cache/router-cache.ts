import type { ApolloServerPlugin } from '@apollo/server';
import { type DocumentNode, parse } from 'graphql';
import type { Config } from '../../platform/config/config.ts';
import type { EventBus } from '../../platform/events/bus.ts';
import type { Logger } from '../../platform/observability/log.ts';
import type { MetricsRegistry } from '../../platform/observability/metrics.ts';
import type { RouterContext } from '../context.ts';
import { routerRedis } from '../redis.ts';
import { type AnswerCounts, answerCachePlugin } from './answer-cache.ts';
import { alsoDroppingAnswers, answerStore } from './answer-store.ts';
import { cacheDeclarations, invalidatingEventTypes } from './declarations.ts';
import { type EntityCache, entityCache } from './entity-cache.ts';
import { redisEntityStore } from './redis-store.ts';
import { type EntityStore, entityStore } from './store.ts';

/** The entity cache as the router runs it: the cache, the plugin that feeds it writes, and its bus subscription. */
export type RouterEntityCache = {
  cache: EntityCache;
  store: EntityStore;
  /** Feeds it writes and says what it found (development); with whole answers kept, serves them too (answer-cache.ts). */
  plugins: ApolloServerPlugin<RouterContext>[];
  /** The gateway loaded a supergraph (at start, and on each hot reload): cache by its declarations, dropping what was kept. */
  follow(supergraphSdl: string): void;
  close(): Promise<void>;
};

/** A bus that can lose its connection (RabbitMQ): while it is away, events may be missed. */
type WatchedBus = EventBus & { readonly connected?: boolean };

/**
 * Builds the router's entity cache (docs/architecture.md §12), or nothing when
 * ENTITY_CACHE=off, when no subgraph declares `@entityCache`, or when there is
 * no bus to hear the events that keep it true (a router of its own without
 * AMQP_URL): a cache nobody invalidates would serve old answers.
 *
 * The answers live in this router's memory, or with REDIS_URL in Redis,
 * shared by every router (redis-store.ts): an event any router hears drops
 * them for all, and a write any router answered is its caller's at every one.
 *
 * With RabbitMQ, the router's events arrive on a queue of its own that lives
 * as long as its connection: events published while it is down never reach
 * it. So nothing is served from or kept in the cache while the bus is not
 * connected, and once it is again (and consuming), everything kept is dropped.
 */
export function routerEntityCache(
  config: Config,
  options: { supergraph: DocumentNode; bus?: WatchedBus; metrics: MetricsRegistry; log: Logger },
): RouterEntityCache | undefined {
  if (config.entityCache === 'off') return undefined;
  const { bus, log } = options;
  const declarations = cacheDeclarations(options.supergraph, (problem) => log.warn(problem));
  if (declarations.size === 0) return undefined;
  if (!bus) {
    log.warn('ENTITY_CACHE is on but this router hears no events (set AMQP_URL); entities are not cached');
    return undefined;
  }
  const ttlMs = config.entityCacheTtlSeconds * 1000;
  // Whole answers of public operations, in memory only: in Redis a write answered by another router would not hide them from its writer.
  const answers =
    !config.redisUrl && config.entityCacheAnswerMaxBytes > 0
      ? answerStore({ maxBytes: config.entityCacheAnswerMaxBytes, ttlMs })
      : undefined;
  const entityAnswers: EntityStore = config.redisUrl
    ? redisEntityStore(routerRedis(config.redisUrl, 'the entity cache', log), {
        ttlMs,
        maxEntryBytes: config.entityCacheMaxEntryBytes,
        log,
      })
    : entityStore({ maxBytes: config.entityCacheMaxBytes, ttlMs });
  // Every drop, clear and write reaches the whole answers by the same calls, at the same moment.
  const store = answers ? alsoDroppingAnswers(entityAnswers, answers) : entityAnswers;
  const clear = () => store.clear().catch((error: unknown) => log.warn(`the entity cache was not dropped: ${(error as Error).message}`));

  // Not serving until the subscription below is known to receive events (RabbitMQ binds a few round trips later).
  let listening = bus.ready === undefined;
  let resuming = false;
  const resume = () => {
    if (resuming) return;
    resuming = true;
    (bus.ready?.() ?? Promise.resolve())
      // Whatever was kept before may have missed events while the bus was away.
      .then(() => store.clear())
      .then(() => {
        listening = true;
      })
      .catch((error: unknown) => log.warn(`the entity cache waits for the bus: ${(error as Error).message}`))
      .finally(() => {
        resuming = false;
      });
  };
  const available = () => {
    if (bus.connected === false && listening) {
      listening = false;
      void clear();
    }
    if (!listening) resume();
    return listening;
  };
  const cache = entityCache(declarations, store, available);
  const listen = (types: string[]) =>
    // The handler resolves once the store dropped what the event names: only then is the event counted as heard.
    bus.subscribe(types, (event) => cache.invalidate(event).then(() => undefined));
  let listened = invalidatingEventTypes(declarations).join(' ');
  let unsubscribe = listen(invalidatingEventTypes(declarations));
  if (!listening) resume();

  const { metrics } = options;
  metrics.gaugeReader('router_entity_cache_hits', 'Entity answers served from the entity cache, since start.', () => cache.counts.hits);
  metrics.gaugeReader(
    'router_entity_cache_misses',
    'Entity answers of cacheable types fetched from their subgraph, since start.',
    () => cache.counts.misses,
  );
  metrics.gaugeReader(
    'router_entity_cache_root_hits',
    'Fetches of declared root fields answered from the entity cache, since start.',
    () => cache.counts.rootHits,
  );
  metrics.gaugeReader(
    'router_entity_cache_root_misses',
    'Fetches of declared root fields sent to their subgraph, since start.',
    () => cache.counts.rootMisses,
  );
  metrics.gaugeReader(
    'router_entity_cache_events',
    'Invalidating events the entity cache heard, since start, by event type.',
    () => [...cache.counts.events].map(([event, value]) => ({ labels: { event }, value })),
    { labelNames: ['event'] },
  );
  metrics.gaugeReader(
    'router_entity_cache_evictions',
    'Entity answers dropped by events, since start, by event type.',
    () => [...cache.counts.evictionsByEvent].map(([event, value]) => ({ labels: { event }, value })),
    { labelNames: ['event'] },
  );
  // In Redis, what the cache holds is Redis's to report (INFO memory, its own exporter).
  if (store.bytes !== undefined) {
    metrics.gaugeReader(
      'router_entity_cache_bytes',
      'Memory the entity cache holds now (ENTITY_CACHE_MAX_BYTES bounds it).',
      () => store.bytes ?? 0,
    );
    metrics.gaugeReader('router_entity_cache_entries', 'Entity answers the entity cache holds now.', () => store.entries ?? 0);
  }

  const answerCounts: AnswerCounts = { hits: 0, misses: 0 };
  if (answers) {
    metrics.gaugeReader(
      'router_entity_cache_answer_hits',
      'Whole answers of public operations served from memory, since start.',
      () => answerCounts.hits,
    );
    metrics.gaugeReader(
      'router_entity_cache_answer_misses',
      'Queries executed that no kept whole answer could serve, since start.',
      () => answerCounts.misses,
    );
    metrics.gaugeReader(
      'router_entity_cache_answer_bytes',
      'Memory whole answers hold now (ENTITY_CACHE_ANSWER_MAX_BYTES bounds it).',
      () => answers.bytes,
    );
    metrics.gaugeReader('router_entity_cache_answer_entries', 'Whole answers kept now.', () => answers.entries);
  }

  const development = config.mode === 'development';
  const plugin: ApolloServerPlugin<RouterContext> = {
    async requestDidStart({ contextValue }) {
      if (development) contextValue.entityCacheStatus = { hits: 0, misses: 0, rootHits: 0, rootMisses: 0 };
      return {
        async willSendResponse({ operation, contextValue, response }) {
          // Before the answer leaves, so the caller's next read, at any router, knows of the write.
          if (operation?.operation === 'mutation') await cache.wrote(contextValue.identity);
          const status = contextValue.entityCacheStatus;
          if (!status || response.body.kind !== 'single') return;
          // Cache-Status (RFC 9211) in spirit: what this request's entity fetches found, for a front-end developer.
          const result = response.body.singleResult;
          result.extensions = {
            ...result.extensions,
            cacheStatus: {
              entityHits: status.hits,
              entityMisses: status.misses,
              rootFieldHits: status.rootHits,
              rootFieldMisses: status.rootMisses,
            },
          };
        },
      };
    },
  };
  const follow = (supergraphSdl: string) => {
    const next = cacheDeclarations(parse(supergraphSdl), (problem) => log.warn(problem));
    const types = invalidatingEventTypes(next);
    // Subscribed to the new event types before the old ones are let go, so no event falls between.
    if (types.join(' ') !== listened) {
      const previous = unsubscribe;
      unsubscribe = listen(types);
      listened = types.join(' ');
      previous();
      listening = bus.ready === undefined;
    }
    cache.redeclare(next);
    void clear();
  };
  const close = async () => {
    unsubscribe();
    await store.close();
  };
  const plugins = answers ? [plugin, answerCachePlugin(answers, { available, counts: answerCounts })] : [plugin];
  return { cache, store, plugins, follow, close };
}
