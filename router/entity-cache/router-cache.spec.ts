import { parse } from 'graphql';
import { ANONYMOUS } from '../../platform/auth/identity.ts';
import { loadConfig } from '../../platform/config/config.ts';
import { createInProcessBus, type EventBus } from '../../platform/events/bus.ts';
import { createLogger } from '../../platform/observability/log.ts';
import { createMetricsRegistry } from '../../platform/observability/metrics.ts';
import type { RouterContext } from '../context.ts';
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

describe('whole answers as the router runs them', () => {
  const config = loadConfig({ NODE_ENV: 'test' });
  const document = parse('query Page { products(first: 1) { totalCount } }');
  const operation = document.definitions[0];
  const ROOT_FETCH = 'query Page__catalogue__0{products(first:1){totalCount}}';
  const page = { products: { totalCount: 1 } };

  /**
   * One request through the whole-answer plugin, as Apollo Server calls it: the answer served whole,
   * or else executed (its root-field fetch through the entity cache, `during` run mid-execution) and offered for keeping.
   */
  async function request(entities: NonNullable<ReturnType<typeof routerEntityCache>>, during: () => Promise<void> = async () => {}) {
    const contextValue: RouterContext = { requestId: 'r', identity: ANONYMOUS, httpCacheTally: { fetches: 0, publicFetches: 0 } };
    const requestContext = { operation, document, queryHash: 'hash-of-page', request: { variables: {} }, contextValue } as never;
    const listeners = await Promise.all(entities.plugins.map((plugin) => plugin.requestDidStart?.(requestContext)));
    const listener = listeners.find((candidate) => candidate?.responseForOperation)!;
    const served = await listener.responseForOperation!(requestContext);
    if (served) return 'whole';
    contextValue.httpCacheTally!.fetches++;
    const answer = await entities.cache.serve(
      {
        subgraph: 'catalogue',
        query: ROOT_FETCH,
        variables: {},
        caller: ANONYMOUS,
        tally: contextValue.httpCacheTally,
        trace: contextValue.answerTrace,
      },
      async () => {
        await during();
        return { data: page };
      },
    );
    const response = { body: { kind: 'single', singleResult: { data: answer.data } }, http: { headers: new Map() } };
    await listener.willSendResponse!({ ...(requestContext as object), response } as never);
    return 'executed';
  }

  it('keeps a public answer whole, and not one an event overtook while it was made', async () => {
    const bus = createInProcessBus(log);
    const entities = routerEntityCache(config, { supergraph: parse(SDL), bus, metrics: createMetricsRegistry(), log })!;
    const changed = {
      id: 'e1',
      type: 'ProductChanged',
      source: 'catalogue',
      key: 'p',
      occurredAt: '',
      data: { productId: 'p', skuCodes: [] },
    };
    // The product changes while the page is being made: the answer may predate the change, so it is not kept.
    expect(await request(entities, () => bus.publish([changed]))).toBe('executed');
    expect(await request(entities)).toBe('executed');
    expect(await request(entities)).toBe('whole');
    // Once kept, the event of any part of it drops it.
    await bus.publish([{ ...changed, id: 'e2' }]);
    expect(await request(entities)).toBe('executed');
    expect(await request(entities)).toBe('whole');
    // A new supergraph drops everything kept.
    entities.follow(SDL);
    expect(await request(entities)).toBe('executed');
    await entities.close();
    await bus.close();
  });

  it('keeps none with ENTITY_CACHE_ANSWER_MAX_BYTES=0', () => {
    const bus = createInProcessBus(log);
    const off = routerEntityCache(
      { ...config, ...loadConfig({ NODE_ENV: 'test', ENTITY_CACHE_ANSWER_MAX_BYTES: '0' }) },
      { supergraph: parse(SDL), bus, metrics: createMetricsRegistry(), log },
    )!;
    expect(off.plugins).toHaveLength(1);
    void off.close();
    void bus.close();
  });
});
