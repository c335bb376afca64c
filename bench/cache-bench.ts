import { createInProcessBus, type EventBus } from '../platform/events/bus.ts';
import { createRabbitMqBus } from '../platform/events/rabbitmq-bus.ts';
import { createLogger } from '../platform/observability/log.ts';
import type { RouterUnderTest } from './routers.ts';

/**
 * The read workloads with our router's entity cache off and on (issue 19,
 * docs/architecture.md §12). `ours` runs with ENTITY_CACHE=off; `ours-cached`
 * with it on, which needs the subgraphs' events: a router caches nothing it
 * cannot hear invalidated. The subgraphs run in the bench's process and the
 * routers in children, so the events are copied to RabbitMQ (AMQP_URL, on an
 * exchange of the bench's own). Without
 * AMQP_URL the cached router is left out, and the report says why.
 *
 * `ours-cached` runs the read workloads only: the write mix and the fan-out
 * do not read the cache, and are measured once, as `ours`.
 */
export const CACHED_ROUTER: RouterUnderTest = {
  key: 'ours-cached',
  label: 'our router, entity cache on',
  script: 'peers/ours.ts',
  env: { ENTITY_CACHE: 'on' },
  transports: [],
  unservedTransports: 'is our router again with its entity cache on, which subscriptions do not read; measured once, as our router',
  readsOnly: true,
};

/** Set in the children's environment: the exchange the bench's events are copied to. */
export const BENCH_EXCHANGE_VARIABLE = 'BENCH_EVENTS_EXCHANGE';
/**
 * The bench's own exchange: not the deployment's (`commerce.events`), whose
 * work queues other processes on this RabbitMQ (a test run) may consume from.
 * Two benches at once on one RabbitMQ would hear each other's events (one's
 * seeding drops the other's cache): give each its own name in
 * BENCH_EVENTS_EXCHANGE.
 */
const BENCH_EXCHANGE = process.env[BENCH_EXCHANGE_VARIABLE] || 'bench.events';

/**
 * The bench subgraphs' bus: in-process between the subgraphs, as before, and
 * with AMQP_URL every published event copied to RabbitMQ for the router
 * children to hear (broadcast queues of their own; no work queue is declared
 * there, so nothing else consumes them).
 */
export async function benchBus(amqpUrl: string | undefined): Promise<{ bus: EventBus; childEnv: Record<string, string>; note?: string }> {
  const local = createInProcessBus();
  if (!amqpUrl) {
    return {
      bus: local,
      childEnv: {},
      note: 'our router with the entity cache on was not run: it needs the subgraphs’ events over RabbitMQ (set AMQP_URL)',
    };
  }
  const remote = await createRabbitMqBus({
    url: amqpUrl,
    service: 'bench',
    exchange: BENCH_EXCHANGE,
    log: createLogger('events', { quiet: true }),
  });
  const bus: EventBus = {
    // A failed copy fails the relay's publish: it retries the batch, and the subgraphs' consumers are idempotent.
    publish: async (events) => {
      await local.publish(events);
      await remote.publish(events);
    },
    subscribe: (types, handler, options) => local.subscribe(types, handler, options),
    close: async () => {
      await local.close();
      await remote.close();
    },
  };
  return { bus, childEnv: { AMQP_URL: amqpUrl, [BENCH_EXCHANGE_VARIABLE]: BENCH_EXCHANGE } };
}

/** In a router child: the bus to hear the bench's events on, when the entity cache is on and there is one. */
export async function childBus(amqpUrl: string | undefined, entityCache: 'on' | 'off'): Promise<EventBus | undefined> {
  const exchange = process.env[BENCH_EXCHANGE_VARIABLE];
  if (!amqpUrl || entityCache === 'off' || !exchange) return undefined;
  return createRabbitMqBus({ url: amqpUrl, service: 'router', exchange, log: createLogger('events', { quiet: true }) });
}

/** Leaves the cached router out of this run when it cannot cache, saying so in the report's notes. */
export function withoutUnusableCache(routers: RouterUnderTest[], note: string | undefined, notes: string[]): void {
  const at = routers.findIndex((router) => router.key === CACHED_ROUTER.key);
  if (at < 0 || !note) return;
  routers.splice(at, 1);
  notes.push(note);
}
