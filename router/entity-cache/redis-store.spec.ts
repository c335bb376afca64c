import { randomBytes } from 'node:crypto';
import { parse } from 'graphql';
import { Redis } from 'ioredis';
import type { Identity } from '../../platform/auth/identity.ts';
import { ANONYMOUS } from '../../platform/auth/identity.ts';
import type { DomainEvent } from '../../platform/events/event.ts';
import { createLogger } from '../../platform/observability/log.ts';
import { readSupergraph } from '../supergraph.ts';
import { cacheDeclarations } from './declarations.ts';
import { type EntityCache, entityCache, type FetchAnswer } from './entity-cache.ts';
import { redisEntityStore } from './redis-store.ts';
import type { EntityStore } from './store.ts';

/**
 * The entity cache in Redis as two routers share it: two caches, each with
 * its own connection, on one Redis. Everything one router keeps, drops or
 * marks holds at the other.
 */
const redisUrl = process.env.REDIS_URL;
const describeRedis = redisUrl ? describe : describe.skip;
describe('the entity cache in Redis', () => {
  if (!redisUrl) it.skip('not run, because REDIS_URL is not set', () => undefined);
});

const declarations = cacheDeclarations(parse(readSupergraph()));
const SKU_QUERY = 'query($representations:[_Any!]!){_entities(representations:$representations){...on Sku{name price{amount}}}}';
const MEMBER_QUERY = 'query($representations:[_Any!]!){_entities(representations:$representations){...on Member{orders{totalCount}}}}';
const alice: Identity = { kind: 'member', subject: 'alice-7f3a', scopes: [] };
const bob: Identity = { kind: 'member', subject: 'bob-91c2', scopes: [] };
const sku = (code: string) => ({ __typename: 'Sku', code });
const event = (type: string, data: unknown): DomainEvent => ({ id: type, type, source: 'test', key: null, occurredAt: '', data });
const log = createLogger('router', { quiet: true });
const TTL_MS = 60_000;

/** A catalogue standing in for the real one: answers each SKU with its current price, and counts what it was asked. */
function catalogue() {
  const prices = new Map<string, string>();
  const asked: string[][] = [];
  return {
    prices,
    asked,
    send: async (variables: Record<string, unknown> | undefined): Promise<FetchAnswer> => {
      const representations = variables?.representations as { code: string }[];
      asked.push(representations.map((r) => r.code));
      return { data: { _entities: representations.map((r) => ({ name: r.code, price: { amount: prices.get(r.code) ?? '1.00' } })) } };
    },
  };
}

describeRedis('two routers sharing the entity cache in Redis', () => {
  const prefix = `test:entity:${randomBytes(6).toString('hex')}:`;
  const connections: Redis[] = [];
  let admin: Redis;
  let stores: EntityStore[];
  let routers: EntityCache[];
  const connect = () => {
    const redis = new Redis(redisUrl!, { enableOfflineQueue: true, maxRetriesPerRequest: 1 });
    connections.push(redis);
    return redis;
  };
  const storeOn = (redis: Redis, maxEntryBytes = 64 * 1024) => redisEntityStore(redis, { ttlMs: TTL_MS, maxEntryBytes, log, prefix });
  const keys = () => admin.keys(`${prefix}*`);

  beforeAll(() => {
    admin = connect();
  });
  beforeEach(async () => {
    const existing = await keys();
    if (existing.length) await admin.del(...existing);
    stores = [storeOn(connect()), storeOn(connect())];
    routers = stores.map((store) => entityCache(declarations, store));
  });
  afterAll(async () => {
    const existing = await keys();
    if (existing.length) await admin.del(...existing);
    for (const redis of connections) redis.disconnect();
  });

  const read = (router: number, send: ReturnType<typeof catalogue>['send'], codes: string[], caller: Identity = ANONYMOUS) =>
    routers[router]!.serve({ subgraph: 'catalogue', query: SKU_QUERY, variables: { representations: codes.map(sku) }, caller }, send);
  const pricesOf = (answer: FetchAnswer) => (answer.data!._entities as { price: { amount: string } }[]).map((e) => e.price.amount);

  it('serves at one router what the other kept, and fetches only what neither holds', async () => {
    const subgraph = catalogue();
    await read(0, subgraph.send, ['A', 'B']);
    const answer = await read(1, subgraph.send, ['A', 'B', 'C']);
    expect(subgraph.asked).toEqual([['A', 'B'], ['C']]);
    expect(answer.data!._entities).toEqual(['A', 'B', 'C'].map((code) => ({ name: code, price: { amount: '1.00' } })));
    expect(routers[1]!.counts).toMatchObject({ hits: 2, misses: 1 });
  });

  it('shares root-field answers between routers, drops them at both on an event either hears, and honours write marks', async () => {
    const LIST = 'query($first:Int){products(first:$first){totalCount}}';
    let calls = 0;
    const send = async (): Promise<FetchAnswer> => ({ data: { products: { totalCount: ++calls } } });
    const list = (router: number, caller: Identity = ANONYMOUS) =>
      routers[router]!.serve({ subgraph: 'catalogue', query: LIST, variables: { first: 2 }, caller }, send);
    expect(await list(0)).toEqual({ data: { products: { totalCount: 1 } } });
    expect(await list(1)).toEqual({ data: { products: { totalCount: 1 } } });
    expect(routers[1]!.counts).toMatchObject({ rootHits: 1, rootMisses: 0 });
    // An entity event of another type leaves the field alone; one the field names drops it for both routers.
    await routers[0]!.invalidate(event('OrderPlaced', { memberId: 'm' }));
    expect(await list(1)).toEqual({ data: { products: { totalCount: 1 } } });
    await routers[0]!.invalidate(event('BrandChanged', { brandId: 'b' }));
    expect(await list(1)).toEqual({ data: { products: { totalCount: 2 } } });
    expect(await list(0)).toEqual({ data: { products: { totalCount: 2 } } });
    // A write answered at router 0 makes alice's next read at router 1 fetch; others keep the shared answer.
    await routers[0]!.wrote(alice);
    expect(await list(1, alice)).toEqual({ data: { products: { totalCount: 3 } } });
    expect(await list(1, bob)).toEqual({ data: { products: { totalCount: 3 } } });
  });

  it('drops at both routers exactly the entities an event heard by one of them names', async () => {
    const subgraph = catalogue();
    await read(0, subgraph.send, ['A', 'B', 'C']);
    subgraph.prices.set('A', '2.00');
    subgraph.prices.set('C', '3.00');
    // Five generations move: SKUs A and C, product p (ProductChanged names both), and the root fields products and product.
    expect(await routers[1]!.invalidate(event('ProductChanged', { productId: 'p', skuCodes: ['A', 'C'] }))).toBe(5);
    const answer = await read(0, subgraph.send, ['A', 'B', 'C']);
    expect(pricesOf(answer)).toEqual(['2.00', '1.00', '3.00']);
    expect(subgraph.asked[1]).toEqual(['A', 'C']);
    // A type-wide event drops every answer of the type.
    await routers[1]!.invalidate(event('CategoryTreeChanged', { categoryId: 'x', parentId: null }));
    await read(1, subgraph.send, ['A', 'B', 'C']);
    expect(subgraph.asked[2]).toEqual(['A', 'B', 'C']);
  });

  it('does not keep an answer fetched before an event that another router heard during the fetch', async () => {
    let release!: () => void;
    const slow = async (variables: Record<string, unknown> | undefined): Promise<FetchAnswer> => {
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      return { data: { _entities: (variables!.representations as unknown[]).map(() => ({ name: 'A', price: { amount: 'old' } })) } };
    };
    const reading = read(0, slow, ['A']);
    while (!release) await new Promise((resolve) => setImmediate(resolve));
    await routers[1]!.invalidate(event('ProductChanged', { productId: 'p', skuCodes: ['A'] }));
    release();
    expect(pricesOf(await reading)).toEqual(['old']);
    const subgraph = catalogue();
    for (const router of [0, 1]) expect(pricesOf(await read(router, subgraph.send, ['A']))).toEqual(['1.00']);
    expect(subgraph.asked).toEqual([['A']]);
  });

  it('lets a writer whose next read reaches the other router read past answers fetched before their write', async () => {
    const subgraph = catalogue();
    await read(0, subgraph.send, ['A'], alice);
    subgraph.prices.set('A', '5.00');
    await routers[0]!.wrote(alice);
    // Nothing told the routers of the change yet: bob still gets the kept answer, alice (at the other router) the new price.
    expect(pricesOf(await read(1, subgraph.send, ['A'], bob))).toEqual(['1.00']);
    expect(pricesOf(await read(1, subgraph.send, ['A'], alice))).toEqual(['5.00']);
    expect(subgraph.asked).toHaveLength(2);
    // What was fetched after the write is the writer's to use, at either router.
    expect(pricesOf(await read(0, subgraph.send, ['A'], alice))).toEqual(['5.00']);
    expect(subgraph.asked).toHaveLength(2);
  });

  it('never serves a private answer to another caller through the other router', async () => {
    const asked: string[] = [];
    const orders = async (variables: Record<string, unknown> | undefined, caller: Identity): Promise<FetchAnswer> => {
      asked.push(caller.subject!);
      const count = caller.subject === alice.subject ? 2 : 5;
      return { data: { _entities: (variables!.representations as unknown[]).map(() => ({ orders: { totalCount: count } })) } };
    };
    const readMember = (router: number, caller: Identity) =>
      routers[router]!.serve(
        { subgraph: 'orders', query: MEMBER_QUERY, variables: { representations: [{ __typename: 'Member', id: 'alice-7f3a' }] }, caller },
        (variables) => orders(variables, caller),
      );
    const counts = async (router: number, caller: Identity) =>
      ((await readMember(router, caller)).data!._entities as { orders: { totalCount: number } }[])[0]!.orders.totalCount;
    expect(await counts(0, alice)).toBe(2);
    expect(await counts(1, bob)).toBe(5);
    expect(await counts(1, alice)).toBe(2);
    expect(await counts(0, bob)).toBe(5);
    // Each caller's answer fetched once and then served from Redis to that caller only.
    expect(asked).toEqual([alice.subject, bob.subject]);
  });

  it('names keys by hashes only, and gives every key a time to live', async () => {
    const subgraph = catalogue();
    await read(0, subgraph.send, ['SECRET-CODE'], alice);
    await routers[1]!.wrote(alice);
    const all = await keys();
    expect(all.length).toBeGreaterThanOrEqual(4);
    for (const key of all) {
      expect(key).not.toMatch(/SECRET|alice|catalogue|Sku/);
      const ttl = await admin.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(TTL_MS);
    }
  });

  it('does not keep an answer over the byte bound', async () => {
    const small = entityCache(declarations, storeOn(connect(), 40));
    const subgraph = catalogue();
    const readSmall = () =>
      small.serve(
        { subgraph: 'catalogue', query: SKU_QUERY, variables: { representations: [sku('LONG-ENOUGH-CODE')] }, caller: ANONYMOUS },
        subgraph.send,
      );
    await readSmall();
    await readSmall();
    expect(subgraph.asked).toHaveLength(2);
    expect((await keys()).filter((key) => key.startsWith(`${prefix}e:`))).toEqual([]);
  });

  it('never serves answers kept under a generation Redis lost (maxmemory eviction, a restart)', async () => {
    const subgraph = catalogue();
    await read(0, subgraph.send, ['A']);
    subgraph.prices.set('A', '9.00');
    // The event's generation is set, then lost, as a maxmemory policy may evict any key.
    await routers[1]!.invalidate(event('ProductChanged', { productId: 'p', skuCodes: ['A'] }));
    const generations = (await keys()).filter((key) => key.startsWith(`${prefix}g:`) || key === `${prefix}epoch`);
    await admin.del(...generations);
    expect(pricesOf(await read(1, subgraph.send, ['A']))).toEqual(['9.00']);
  });

  it('drops the whole shared cache before serving again when an event could not reach Redis', async () => {
    const subgraph = catalogue();
    await read(0, subgraph.send, ['A']);
    subgraph.prices.set('A', '4.00');
    const offline = connect();
    const cut = entityCache(declarations, storeOn(offline));
    await offline.ping();
    offline.disconnect();
    // The only router that heard the event could not tell Redis.
    expect(await cut.invalidate(event('ProductChanged', { productId: 'p', skuCodes: ['A'] }))).toBe(0);
    await offline.connect();
    const answer = await cut.serve(
      { subgraph: 'catalogue', query: SKU_QUERY, variables: { representations: [sku('A')] }, caller: ANONYMOUS },
      subgraph.send,
    );
    expect(pricesOf(answer)).toEqual(['4.00']);
    // Dropped for the other router too.
    expect(pricesOf(await read(1, subgraph.send, ['A']))).toEqual(['4.00']);
  });

  it('answers without Redis, from the subgraph every time', async () => {
    const unreachable = new Redis('redis://127.0.0.1:1', { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true });
    unreachable.on('error', () => undefined);
    connections.push(unreachable);
    const cache = entityCache(declarations, redisEntityStore(unreachable, { ttlMs: TTL_MS, maxEntryBytes: 1024, log, prefix }));
    const subgraph = catalogue();
    for (let i = 0; i < 2; i++) {
      const answer = await cache.serve(
        { subgraph: 'catalogue', query: SKU_QUERY, variables: { representations: [sku('A')] }, caller: ANONYMOUS },
        subgraph.send,
      );
      expect(pricesOf(answer)).toEqual(['1.00']);
    }
    expect(subgraph.asked).toHaveLength(2);
  });
});
