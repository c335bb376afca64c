import { parse } from 'graphql';
import { ANONYMOUS } from '../../platform/auth/identity.ts';
import { loadConfig } from '../../platform/config/config.ts';
import { createInProcessBus, type EventBus } from '../../platform/events/bus.ts';
import { createLogger } from '../../platform/observability/log.ts';
import { createMetricsRegistry } from '../../platform/observability/metrics.ts';
import { readSupergraph } from '../supergraph.ts';
import type { FetchAnswer } from './entity-cache.ts';
import { routerEntityCache } from './router-cache.ts';

const SDL = readSupergraph();
const SKU_QUERY = 'query($representations:[_Any!]!){_entities(representations:$representations){...on Sku{name}}}';
const log = createLogger('router', { quiet: true });

/** Reads SKU A through the cache twice and says how many times the subgraph was asked. */
async function fetchesOfTwoReads(cache: NonNullable<ReturnType<typeof routerEntityCache>>['cache']): Promise<number> {
  let asked = 0;
  const send = async (): Promise<FetchAnswer> => {
    asked++;
    return { data: { _entities: [{ name: 'A' }] } };
  };
  for (let i = 0; i < 2; i++) {
    await cache.serve(
      { subgraph: 'catalogue', query: SKU_QUERY, variables: { representations: [{ __typename: 'Sku', code: 'A' }] }, caller: ANONYMOUS },
      send,
    );
  }
  return asked;
}

describe('the entity cache as the router runs it', () => {
  const config = loadConfig({ NODE_ENV: 'test' });
  let bus: EventBus;
  beforeEach(() => {
    bus = createInProcessBus(log);
  });
  afterEach(() => bus.close());
  const build = (options: { bus?: EventBus & { connected?: boolean }; env?: Record<string, string> } = {}) =>
    routerEntityCache(
      { ...config, ...loadConfig({ NODE_ENV: 'test', ...options.env }) },
      { supergraph: parse(SDL), bus: 'bus' in options ? options.bus : bus, metrics: createMetricsRegistry(), log },
    );

  it('is off with ENTITY_CACHE=off, and without a bus to hear events', () => {
    expect(build({ env: { ENTITY_CACHE: 'off' } })).toBeUndefined();
    expect(build({ bus: undefined })).toBeUndefined();
    expect(build()).toBeDefined();
  });

  it('drops what the events on the bus name', async () => {
    const entities = build()!;
    expect(await fetchesOfTwoReads(entities.cache)).toBe(1);
    await bus.publish([
      { id: 'e1', type: 'ProductChanged', source: 'catalogue', key: 'p', occurredAt: '', data: { productId: 'p', skuCodes: ['A'] } },
    ]);
    expect(entities.store.entries).toBe(0);
    entities.close();
  });

  it('follows a new supergraph: a type it no longer declares is no longer cached, and nothing kept survives', async () => {
    const entities = build()!;
    await fetchesOfTwoReads(entities.cache);
    expect(entities.store.entries).toBe(1);
    entities.follow(SDL.replace(/@entityCache\(subgraph: "catalogue", invalidatedBy: \["ProductChanged:skuCodes"[^)]*\)/, ''));
    expect(entities.store.entries).toBe(0);
    expect(await fetchesOfTwoReads(entities.cache)).toBe(2);
    entities.close();
  });

  it('serves and keeps nothing while the bus is disconnected, and starts empty once it is back', async () => {
    let open!: () => void;
    let gate = Promise.resolve();
    const watched = Object.assign(bus, { connected: true, ready: () => gate });
    const entities = build({ bus: watched })!;
    // Subscribed, then ready: serving once the bus said so.
    await new Promise((resolve) => setImmediate(resolve));
    expect(await fetchesOfTwoReads(entities.cache)).toBe(1);
    watched.connected = false;
    gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    expect(await fetchesOfTwoReads(entities.cache)).toBe(2);
    expect(entities.store.entries).toBe(0);
    // Connected again, but not consuming yet: still nothing served or kept.
    watched.connected = true;
    expect(await fetchesOfTwoReads(entities.cache)).toBe(2);
    expect(entities.store.entries).toBe(0);
    open();
    await new Promise((resolve) => setImmediate(resolve));
    expect(await fetchesOfTwoReads(entities.cache)).toBe(1);
    entities.close();
  });
});
