import { loadSecrets } from '../platform/auth/secrets.ts';
import { busTopology } from '../platform/config/event-bus-settings.ts';
import { createRabbitMqBus, type RabbitMqBus } from '../platform/events/rabbitmq-bus.ts';
import { type OutboxRelay, startOutboxRelay } from '../platform/events/relay.ts';
import { createLogger } from '../platform/observability/log.ts';
import type { DatabaseTarget } from '../platform/testing/databases.ts';
import { eventually } from '../platform/testing/eventually.ts';
import type { GraphQLResponse } from '../platform/testing/subgraph-client.ts';
import { newId } from '../platform/values/ids.ts';
import { createRouter, type Router } from '../router/server.ts';
import { contractExamples, contractOperation } from './support/contract.ts';
import { CACHED_SKU, PRODUCT_PAGE, SET_SKU_PRICE, WRITER_PAGE } from './support/product-pages.ts';
import { placeOrder, registeredMember, stockedSkus } from './support/shop.ts';
import { startTestSystem, type TestSystem } from './support/system.ts';

/**
 * The entity cache scaled out (docs/architecture.md §12): two routers share
 * it in Redis and hear the events over RabbitMQ. A change's event, once any
 * router heard it, is the end of the old answer at both; a writer reads
 * their write at either; private answers stay with their caller at both.
 */
const amqpUrl = process.env.AMQP_URL;
const redisUrl = process.env.REDIS_URL;
const describeShared = amqpUrl && redisUrl ? describe : describe.skip;
describe('the entity cache shared by two routers', () => {
  if (!amqpUrl || !redisUrl) it.skip('not run, because it needs both AMQP_URL and REDIS_URL', () => undefined);
});

const MY_ORDERS = '{ me { id orders { totalCount edges { node { id } } } } }';
const SKU = CACHED_SKU;

type Level = { sku: { code: string; price: { amount: string }; product: { id: string } } };
type Routers = [{ url: string; metricsUrl: string }, { url: string; metricsUrl: string }];

const target: DatabaseTarget = process.env.MYSQL_URL
  ? { label: 'MySQL', mysqlUrl: process.env.MYSQL_URL }
  : { label: 'SQLite', mysqlUrl: undefined };

describeShared(`two routers sharing the entity cache in Redis, events over RabbitMQ, on ${target.label}`, () => {
  let system: TestSystem;
  let secondBus: RabbitMqBus;
  let second: Router;
  let routers: Routers;
  let staff: string;
  let restartedRelay: OutboxRelay | undefined;

  beforeAll(async () => {
    system = await startTestSystem(target, { SEED_DEMO_DATA: 'true', ENTITY_CACHE: 'on', AMQP_URL: amqpUrl!, REDIS_URL: redisUrl! });
    // The second router: the same configuration (so the same Redis namespace), its own process state and RabbitMQ connection.
    secondBus = await createRabbitMqBus({
      url: amqpUrl!,
      service: 'router',
      log: createLogger('events', { quiet: true }),
      ...busTopology(system.config),
    });
    second = await createRouter(system.config, {
      secrets: loadSecrets(system.config),
      subgraphUrls: system.system.subgraphUrls,
      bus: secondBus,
    });
    routers = [
      { url: system.system.routerUrl, metricsUrl: system.system.routerMetricsUrl },
      { url: await second.listen(0), metricsUrl: await second.listenMetrics(0) },
    ];
    staff = await system.staffToken(['catalogue:write', 'catalogue:read']);
    // Both routers serve from the cache once their bus consumes: a page read twice is a hit at each.
    for (const router of [0, 1] as const) {
      await eventually(
        async () => {
          const hits = await metric(router, 'router_entity_cache_hits');
          await productPage(router);
          return (await metric(router, 'router_entity_cache_hits')) > hits;
        },
        `router ${router + 1} serves from the shared cache`,
        { timeoutMs: 15_000 },
      );
    }
  }, 120_000);
  afterAll(async () => {
    await restartedRelay?.stop();
    await second?.close();
    await secondBus?.close();
    await system?.close();
  });

  const graphql = async <T>(router: 0 | 1, query: string, variables: Record<string, unknown>, token?: string) => {
    const response = await fetch(routers[router].url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as GraphQLResponse<T>;
  };
  /** A metric of one router's /metrics, summed over its label sets (or the one of `event`). */
  const metric = async (router: 0 | 1, name: string, event?: string) => {
    const text = await (await fetch(routers[router].metricsUrl)).text();
    let total = 0;
    for (const line of text.split('\n')) {
      const match = /^(\w+)(\{[^}]*\})? (\S+)$/.exec(line);
      if (!match || match[1] !== name) continue;
      if (event !== undefined && match[2] !== `{event="${event}"}`) continue;
      total += Number(match[3]);
    }
    return total;
  };
  const productPage = async (router: 0 | 1, codes = [SKU]) => {
    const body = await graphql<{ stockLevels: Level[] }>(router, PRODUCT_PAGE, { codes });
    expect(body.errors).toBeUndefined();
    expect(body.data!.stockLevels.length).toBeGreaterThan(0);
    return body.data!.stockLevels;
  };
  const writerPage = async (router: 0 | 1) => {
    const body = await graphql<{ stockLevels: Level[] }>(router, WRITER_PAGE, { codes: [SKU] }, staff);
    expect(body.errors).toBeUndefined();
    return priceOf(body.data!.stockLevels);
  };
  const priceOf = (levels: Level[]) => [...new Set(levels.map((level) => level.sku.price.amount))];
  const setPrice = async (router: 0 | 1, code: string, amount: string) => {
    const body = await graphql<{ setSkuPrice: { userErrors: unknown[] } }>(
      router,
      SET_SKU_PRICE,
      { input: { code, price: { amount, currencyCode: 'CNY' } } },
      staff,
    );
    expect(body.errors).toBeUndefined();
    expect(body.data!.setSkuPrice.userErrors).toEqual([]);
  };
  /** ProductChanged events heard by either router, counted. */
  const heard = async () =>
    (await metric(0, 'router_entity_cache_events', 'ProductChanged')) + (await metric(1, 'router_entity_cache_events', 'ProductChanged'));

  it('never shows the old price at either router once one heard the change’s event; the writer reads the new one at the other at once', async () => {
    const before = priceOf(await productPage(0));
    expect(before).toHaveLength(1);
    const newPrice = (Number(before[0]) + 7.5).toFixed(2);
    // The writer's view is kept in Redis (read twice, at both routers) before the write.
    expect(await writerPage(1)).toEqual(before);
    expect(await writerPage(0)).toEqual(before);
    const heardBefore = await heard();
    let delivered = false;
    let writing = true;
    const stale: string[] = [];
    const readsAfterDelivery = [0, 0];
    const reader = async (router: 0 | 1) => {
      let afterDelivery = 0;
      while (writing || afterDelivery < 25) {
        const startedAfterDelivery = delivered;
        const prices = priceOf(await productPage(router));
        if (startedAfterDelivery) {
          afterDelivery++;
          readsAfterDelivery[router]!++;
          if (prices.some((price) => price !== newPrice)) stale.push(`router ${router + 1}: ${prices.join(',')}`);
        }
      }
    };
    const hitsBefore = [await metric(0, 'router_entity_cache_hits'), await metric(1, 'router_entity_cache_hits')];
    const readers = [0, 0, 0, 1, 1, 1].map((router) => reader(router as 0 | 1));
    await setPrice(0, SKU, newPrice);
    // The writer's next read reaches the other router, before anything waits for the event.
    expect(await writerPage(1)).toEqual([newPrice]);
    // Delivered: the first router that heard the event has dropped the shared answers.
    await eventually(async () => (await heard()) > heardBefore, 'a router heard ProductChanged', { timeoutMs: 10_000 });
    delivered = true;
    writing = false;
    await Promise.all(readers);
    expect(stale).toEqual([]);
    expect(readsAfterDelivery.every((reads) => reads >= 75)).toBe(true);
    // The readers were served from the shared cache at both routers, not only fetched.
    expect(await metric(0, 'router_entity_cache_hits')).toBeGreaterThan(hitsBefore[0]!);
    expect(await metric(1, 'router_entity_cache_hits')).toBeGreaterThan(hitsBefore[1]!);
  });

  it('shows a writer their write at the other router before its event, while others read the kept answer at both until it arrives', async () => {
    const catalogue = system.system.subgraphs.find((subgraph) => subgraph.name === 'catalogue')!;
    const before = priceOf(await productPage(0));
    expect(await writerPage(0)).toEqual(before);
    expect(await writerPage(1)).toEqual(before);
    const heardBefore = await heard();
    // The event stays in catalogue's outbox until the relay runs again.
    await catalogue.relay.stop();
    const newPrice = (Number(before[0]) + 2).toFixed(2);
    await setPrice(0, SKU, newPrice);
    expect(await writerPage(1)).toEqual([newPrice]);
    expect(await writerPage(0)).toEqual([newPrice]);
    // Nothing told either router yet: another caller still gets the kept answer (so the writer's reads did not come from eviction).
    expect(priceOf(await productPage(0))).toEqual(before);
    expect(priceOf(await productPage(1))).toEqual(before);
    restartedRelay = startOutboxRelay(catalogue.db, catalogue.bus, { log: createLogger('events', { quiet: true }) });
    await restartedRelay.drain();
    await eventually(async () => (await heard()) > heardBefore, 'the event arrived', { timeoutMs: 10_000 });
    expect(priceOf(await productPage(1))).toEqual([newPrice]);
    expect(priceOf(await productPage(0))).toEqual([newPrice]);
  });

  it('shares a kept root list between the routers, drops it at both by the price change’s event, and shows the writer theirs at the other at once', async () => {
    type Listing = { products: { edges: { node: { skus: { code: string; price: { amount: string } }[] } }[] } };
    const LIST =
      'query SharedList($s: String!) { products(filter: { search: $s }, first: 5) { edges { node { skus { code price { amount } } } } } }';
    // The writer's own selection: what they fetch after the write is kept under another key than the readers' list.
    const WRITER_LIST =
      'query WriterList($s: String!) { products(filter: { search: $s }, first: 5) { edges { node { skus { price { amount } code } } } } }';
    const priceIn = (body: GraphQLResponse<Listing>) => {
      expect(body.errors).toBeUndefined();
      return body.data!.products.edges.flatMap((edge) => edge.node.skus).find((sku) => sku.code === SKU)!.price.amount;
    };
    const list = async (router: 0 | 1) => priceIn(await graphql<Listing>(router, LIST, { s: SKU }));
    const writerList = async (router: 0 | 1) => priceIn(await graphql<Listing>(router, WRITER_LIST, { s: SKU }, staff));
    const before = await list(0);
    const hits = await metric(1, 'router_entity_cache_root_hits');
    expect(await list(1)).toBe(before);
    expect(await metric(1, 'router_entity_cache_root_hits')).toBeGreaterThan(hits);
    expect(await writerList(1)).toBe(before);
    const heardBefore = await heard();
    const newPrice = (Number(before) + 4).toFixed(2);
    await setPrice(0, SKU, newPrice);
    expect(await writerList(1)).toBe(newPrice);
    await eventually(async () => (await heard()) > heardBefore, 'a router heard ProductChanged', { timeoutMs: 10_000 });
    expect(await list(1)).toBe(newPrice);
    expect(await list(0)).toBe(newPrice);
  });

  it('drops exactly the entries an event names, for both routers: another product’s SKUs stay shared', async () => {
    const productId = (await productPage(0))[0]!.sku.product.id;
    const products = await graphql<{ products: { edges: { node: { id: string; skus: { code: string }[] } }[] } }>(
      0,
      '{ products(first: 30) { edges { node { id skus { code } } } } }',
      {},
    );
    const other = products.data!.products.edges.find((edge) => edge.node.id !== productId)!.node.skus[0]!.code;
    const readBoth = (router: 0 | 1) => productPage(router, [SKU, other]);
    // Kept by router 1 (twice, so surely kept).
    await readBoth(0);
    await readBoth(0);
    const heardBefore = await heard();
    const current = priceOf(await productPage(0))[0]!;
    await setPrice(0, SKU, (Number(current) + 1).toFixed(2));
    await eventually(async () => (await heard()) > heardBefore, 'the event arrived', { timeoutMs: 10_000 });
    // Router 2 fetches SKU's answers again and serves the other product's from what router 1 kept.
    const [hits, misses] = [await metric(1, 'router_entity_cache_hits'), await metric(1, 'router_entity_cache_misses')];
    const levels = await readBoth(1);
    const served = (await metric(1, 'router_entity_cache_hits')) - hits;
    const fetched = (await metric(1, 'router_entity_cache_misses')) - misses;
    const levelsOf = (code: string) => levels.filter((level) => level.sku.code === code).length;
    expect({ fetched, served }).toEqual({ fetched: levelsOf(SKU), served: levelsOf(other) });
  });

  it('never serves a member’s orders to anyone else through the other router', async () => {
    const suffix = newId().slice(-8).toUpperCase();
    const code = `ECR-${suffix}`;
    await stockedSkus(system, [{ code, price: '10.00', quantity: 50 }]);
    const alice = await registeredMember(system, { name: 'Alice', email: `alice-r-${suffix}@example.com` });
    const bob = await registeredMember(system, { name: 'Bob', email: `bob-r-${suffix}@example.com` });
    const ordersOf = new Map<string, string[]>();
    for (const member of [alice, bob]) {
      const placed = await placeOrder(system, member.token, {
        idempotencyKey: `ecr-${member.id}`,
        lines: [{ skuCode: code, quantity: 1 }],
      });
      ordersOf.set(member.id, [placed.order!.id]);
    }
    type Me = { me: { id: string; orders: { edges: { node: { id: string } }[] } } };
    const myOrders = async (router: 0 | 1, member: { id: string; token: string }) => {
      const body = await graphql<Me>(router, MY_ORDERS, {}, member.token);
      expect(body.errors).toBeUndefined();
      return { member: body.data!.me.id, orders: body.data!.me.orders.edges.map((edge) => edge.node.id) };
    };
    // Staff who may read a member's profile but not their orders: refused Alice's orders, so her kept answer must never reach them.
    const profileReader = await system.staffToken(['members:pii']);
    const alicesOrdersAsStaff = async (router: 0 | 1) => {
      const body = await graphql<{ member: { orders: unknown } | null }>(
        router,
        'query ($id: ID!) { member(id: $id) { id orders { totalCount edges { node { id } } } } }',
        { id: alice.id },
        profileReader,
      );
      return { orders: body.data?.member?.orders ?? null, refused: (body.errors ?? []).map((error) => error.extensions?.code) };
    };
    const hits = (await metric(0, 'router_entity_cache_hits')) + (await metric(1, 'router_entity_cache_hits'));
    for (let round = 0; round < 10; round++) {
      // Alice and Bob at one router, each at the other too, and the staff reader at both, all at once.
      const reads = [myOrders(0, alice), myOrders(1, bob), myOrders(1, alice), myOrders(0, bob)];
      const [answers, staffReads] = await Promise.all([Promise.all(reads), Promise.all([alicesOrdersAsStaff(0), alicesOrdersAsStaff(1)])]);
      for (const answer of answers) expect(answer.orders).toEqual(ordersOf.get(answer.member));
      for (const read of staffReads) expect(read).toEqual({ orders: null, refused: ['FORBIDDEN'] });
    }
    expect((await metric(0, 'router_entity_cache_hits')) + (await metric(1, 'router_entity_cache_hits'))).toBeGreaterThan(hits);
  });

  it('answers a set of contract operations at both routers exactly as a router with the cache off', async () => {
    const config = { ...system.config, entityCache: 'off' as const };
    const uncached = await createRouter(config, { secrets: loadSecrets(config), subgraphUrls: system.system.subgraphUrls });
    try {
      const off = await uncached.listen(0);
      const products = await graphql<{ products: { edges: { node: { id: string } }[] } }>(
        0,
        '{ products(first: 3) { edges { node { id } } } }',
        {},
      );
      const operations: [string, Record<string, unknown>][] = [
        [PRODUCT_PAGE, { codes: [SKU] }],
        [contractOperation('stock.graphql', 'StockInquiry'), contractExamples().StockInquiry!],
        [contractOperation('catalogue.graphql', 'SkuByCode'), { code: SKU }],
        ...products.data!.products.edges.map((edge): [string, Record<string, unknown>] => [
          contractOperation('catalogue.graphql', 'ProductDetail'),
          { id: edge.node.id },
        ]),
      ];
      for (const [query, variables] of operations) {
        const answers = [];
        // Kept by the first read at router 1, served from Redis to router 2's.
        for (const router of [0, 1, 1, 0] as const) answers.push(await graphql(router, query, variables));
        const response = await fetch(off, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query, variables }),
        });
        const expected = (await response.json()) as GraphQLResponse;
        expect(expected.errors).toBeUndefined();
        for (const answer of answers) expect(answer).toEqual(expected);
      }
    } finally {
      await uncached.close();
    }
  });
});
