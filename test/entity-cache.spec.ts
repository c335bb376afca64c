import { loadSecrets } from '../platform/auth/secrets.ts';
import { type OutboxRelay, startOutboxRelay } from '../platform/events/relay.ts';
import { createLogger } from '../platform/observability/log.ts';
import { databaseTargets, reportSkippedMysql } from '../platform/testing/databases.ts';
import { eventually } from '../platform/testing/eventually.ts';
import type { GraphQLResponse } from '../platform/testing/subgraph-client.ts';
import { newId } from '../platform/values/ids.ts';
import { createRouter, type Router } from '../router/server.ts';
import { contractExamples, contractOperation } from './support/contract.ts';
import { readUntilCached } from './support/entity-cache.ts';
import { CACHED_SKU, PRODUCT_PAGE, SET_SKU_PRICE, WRITER_PAGE } from './support/product-pages.ts';
import { routerMetric } from './support/router-metrics.ts';
import { placeOrder, registeredMember, stockedSkus } from './support/shop.ts';
import { startTestSystem, type TestSystem } from './support/system.ts';

/**
 * The router's entity cache (docs/architecture.md §12) through the real
 * router and subgraphs: answers are never older than a change once its event
 * is delivered, a writer reads their own write at once, private answers stay
 * with their caller, events drop exactly what they name, and a router with
 * the cache off answers exactly the same.
 */
const MY_ORDERS = '{ me { id orders { totalCount edges { node { id number refunded { amount } } } } } }';
const SKU = CACHED_SKU;

type Level = { sku: { code: string; price: { amount: string; currencyCode: string }; product: { id: string } } };

/** A gauge or counter of the router's /metrics, summed over its label sets (or one, when `event` is given). */
describe.each(databaseTargets())('the entity cache through the router on $label', (target) => {
  let system: TestSystem;
  let staff: string;
  let productPage: (token?: string) => Promise<Level[]>;
  /** A stocked SKU of another product than SKU's. */
  let other: string;

  beforeAll(async () => {
    // On MySQL with AMQP_URL set, the events travel through RabbitMQ, as between distributed processes.
    const amqp: Record<string, string> = target.mysqlUrl && process.env.AMQP_URL ? { AMQP_URL: process.env.AMQP_URL } : {};
    system = await startTestSystem(target, { SEED_DEMO_DATA: 'true', ENTITY_CACHE: 'on', ...amqp });
    staff = await system.staffToken(['catalogue:write', 'catalogue:read']);
    productPage = async (token) => {
      const { status, body } = await system.graphql<{ stockLevels: Level[] }>(PRODUCT_PAGE, { codes: [SKU] }, token);
      expect({ status, errors: body.errors }).toEqual({ status: 200, errors: undefined });
      expect(body.data!.stockLevels.length).toBeGreaterThan(0);
      return body.data!.stockLevels;
    };
    const productId = (await productPage())[0]!.sku.product.id;
    const products = await system.graphql<{ products: { edges: { node: { skus: { code: string }[] } }[] } }>(
      '{ products(first: 30) { edges { node { skus { code } } } } }',
    );
    const codes = products.body.data!.products.edges.flatMap((edge) => edge.node.skus.map((sku) => sku.code));
    const levels = await system.graphql<{ stockLevels: Level[] }>(PRODUCT_PAGE, { codes });
    other = levels.body.data!.stockLevels.find((level) => level.sku.product.id !== productId)!.sku.code;
  });
  /** Catalogue's outbox relay once a test has held it back (the subgraph's own one is stopped then). */
  let restartedRelay: OutboxRelay | undefined;
  afterAll(async () => {
    await restartedRelay?.stop();
    await system?.close();
  });

  const setPrice = async (code: string, amount: string) => {
    const { body } = await system.graphql<{ setSkuPrice: { userErrors: unknown[] } }>(
      SET_SKU_PRICE,
      { input: { code, price: { amount, currencyCode: 'CNY' } } },
      staff,
    );
    expect(body.errors).toBeUndefined();
    expect(body.data!.setSkuPrice.userErrors).toEqual([]);
  };
  const priceOf = (levels: Level[]) => [...new Set(levels.map((level) => level.sku.price.amount))];

  it('never shows the old price to a reader once the change’s event is delivered, and shows the writer the new one at once', async () => {
    const before = priceOf(await productPage());
    expect(before).toHaveLength(1);
    const newPrice = (Number(before[0]) + 7.5).toFixed(2);
    const writerPage = async () => {
      const { body } = await system.graphql<{ stockLevels: Level[] }>(WRITER_PAGE, { codes: [SKU] }, staff);
      expect(body.errors).toBeUndefined();
      return priceOf(body.data!.stockLevels);
    };
    expect(await writerPage()).toEqual(before);
    // Kept now: the writer's next read would be served from memory but for their write.
    expect(await writerPage()).toEqual(before);
    // A reader's page is answered from the cache (with RabbitMQ, once the router's queue is bound to every event type).
    await readUntilCached(system, 'router_entity_cache_hits', () => productPage());

    const eventsBefore = await routerMetric(system, 'router_entity_cache_events', 'ProductChanged');
    let delivered = false;
    let writing = true;
    const stale: string[] = [];
    let readsAfterDelivery = 0;
    const reader = async () => {
      let afterDelivery = 0;
      // Keep reading while the write is made and until 25 reads of this reader began after the event was delivered.
      while (writing || afterDelivery < 25) {
        const startedAfterDelivery = delivered;
        const prices = priceOf(await productPage());
        if (startedAfterDelivery) {
          afterDelivery++;
          readsAfterDelivery++;
          if (prices.some((price) => price !== newPrice)) stale.push(prices.join(','));
        }
      }
    };
    const readers = Array.from({ length: 6 }, reader);
    await setPrice(SKU, newPrice);
    // The writer's own next read, before anything waits for the event.
    expect(await writerPage()).toEqual([newPrice]);
    await eventually(
      async () => (await routerMetric(system, 'router_entity_cache_events', 'ProductChanged')) > eventsBefore,
      'the router heard ProductChanged',
      { timeoutMs: 10_000 },
    );
    delivered = true;
    writing = false;
    const hitsAtDelivery = await routerMetric(system, 'router_entity_cache_hits');
    await Promise.all(readers);
    expect(stale).toEqual([]);
    expect(readsAfterDelivery).toBeGreaterThanOrEqual(150);
    // After the event, the new price was kept and served from memory again.
    expect(await routerMetric(system, 'router_entity_cache_hits')).toBeGreaterThan(hitsAtDelivery);
  });

  it('shows a writer their write before its event is delivered, while others read the kept answer until it is', async () => {
    const catalogue = system.system.subgraphs.find((subgraph) => subgraph.name === 'catalogue')!;
    const writerPage = async () => {
      const { body } = await system.graphql<{ stockLevels: Level[] }>(WRITER_PAGE, { codes: [SKU] }, staff);
      return priceOf(body.data!.stockLevels);
    };
    const before = priceOf(await productPage());
    await writerPage();
    expect(await writerPage()).toEqual(before);
    const eventsBefore = await routerMetric(system, 'router_entity_cache_events', 'ProductChanged');
    // The event stays in catalogue's outbox until the relay runs again.
    await catalogue.relay.stop();
    const newPrice = (Number(before[0]) + 2).toFixed(2);
    await setPrice(SKU, newPrice);
    expect(await writerPage()).toEqual([newPrice]);
    // Another caller still gets the kept answer: nothing told the router yet (so the writer's read did not come from eviction).
    expect(priceOf(await productPage())).toEqual(before);
    restartedRelay = startOutboxRelay(catalogue.db, catalogue.bus, { log: createLogger('events', { quiet: true }) });
    await restartedRelay.drain();
    await eventually(
      async () => (await routerMetric(system, 'router_entity_cache_events', 'ProductChanged')) > eventsBefore,
      'the event arrived',
      {
        timeoutMs: 10_000,
      },
    );
    expect(priceOf(await productPage())).toEqual([newPrice]);
  });

  it('drops exactly the entries an event names: another product’s SKUs stay cached', async () => {
    const { body } = await system.graphql<{ stockLevels: Level[] }>(PRODUCT_PAGE, { codes: [other] });
    const otherLevels = body.data?.stockLevels ?? [];
    expect(otherLevels.length).toBeGreaterThan(0);
    expect(otherLevels[0]!.sku.product.id).not.toBe((await productPage())[0]!.sku.product.id);
    // Both SKUs' answers are cached now; changing SKU's price must drop SKU's product family only.
    const readBoth = () => system.graphql<{ stockLevels: Level[] }>(PRODUCT_PAGE, { codes: [SKU, other] });
    await readBoth();
    const evictedBefore = await routerMetric(system, 'router_entity_cache_evictions', 'ProductChanged');
    const eventsBefore = await routerMetric(system, 'router_entity_cache_events', 'ProductChanged');
    const current = priceOf(await productPage())[0]!;
    await setPrice(SKU, (Number(current) + 1).toFixed(2));
    await eventually(
      async () => (await routerMetric(system, 'router_entity_cache_events', 'ProductChanged')) > eventsBefore,
      'the event arrived',
      {
        timeoutMs: 10_000,
      },
    );
    // The product page's fetch holds one Sku answer per level of SKU: those, and nothing of the other product, were dropped.
    const evicted = (await routerMetric(system, 'router_entity_cache_evictions', 'ProductChanged')) - evictedBefore;
    expect(evicted).toBeGreaterThan(0);
    const [hits, misses] = [
      await routerMetric(system, 'router_entity_cache_hits'),
      await routerMetric(system, 'router_entity_cache_misses'),
    ];
    const both = await readBoth();
    const fetched = (await routerMetric(system, 'router_entity_cache_misses')) - misses;
    const served = (await routerMetric(system, 'router_entity_cache_hits')) - hits;
    const levelsOfSku = both.body.data!.stockLevels.filter((level) => level.sku.code === SKU).length;
    const levelsOfOther = both.body.data!.stockLevels.filter((level) => level.sku.code === other).length;
    expect({ fetched, served }).toEqual({ fetched: levelsOfSku, served: levelsOfOther });
  });

  it('never serves a member’s orders to anyone else: two members and a staff reader without orders:read, at once', async () => {
    const suffix = newId().slice(-8).toUpperCase();
    const code = `EC-${suffix}`;
    await stockedSkus(system, [{ code, price: '10.00', quantity: 50 }]);
    const alice = await registeredMember(system, { name: 'Alice', email: `alice-${suffix}@example.com` });
    const bob = await registeredMember(system, { name: 'Bob', email: `bob-${suffix}@example.com` });
    const ordersOf = new Map<string, string[]>();
    for (const member of [alice, bob]) {
      const placed = await placeOrder(system, member.token, { idempotencyKey: `ec-${member.id}`, lines: [{ skuCode: code, quantity: 1 }] });
      ordersOf.set(member.id, [placed.order!.id]);
    }
    type Me = { me: { id: string; orders: { edges: { node: { id: string } }[] } } };
    const myOrders = async (member: { id: string; token: string }) => {
      const { body } = await system.graphql<Me>(MY_ORDERS, {}, member.token);
      expect(body.errors).toBeUndefined();
      return { member: body.data!.me.id, orders: body.data!.me.orders.edges.map((edge) => edge.node.id) };
    };
    // Staff who may read a member's profile but not their orders: the orders subgraph refuses them Alice's orders,
    // so an answer kept for Alice must never reach them.
    const profileReader = await system.staffToken(['members:pii']);
    // The same selection of Member as Alice's own read, so the orders fetch is the same but for who asks.
    type Profile = { member: { id: string; orders: { totalCount: number } | null } | null };
    const alicesProfile = async () => {
      const { body } = await system.graphql<Profile>(
        'query ($id: ID!) { member(id: $id) { id orders { totalCount edges { node { id number refunded { amount } } } } } }',
        { id: alice.id },
        profileReader,
      );
      return { orders: body.data?.member?.orders ?? null, refused: (body.errors ?? []).map((error) => error.extensions?.code) };
    };
    const hits = await routerMetric(system, 'router_entity_cache_hits');
    for (let round = 0; round < 15; round++) {
      const [answers, profile] = await Promise.all([Promise.all([alice, bob, alice, bob].map(myOrders)), alicesProfile()]);
      for (const answer of answers) expect(answer.orders).toEqual(ordersOf.get(answer.member));
      expect(profile).toEqual({ orders: null, refused: ['FORBIDDEN'] });
    }
    // Served from the cache (each member's own entry), not only fetched.
    expect(await routerMetric(system, 'router_entity_cache_hits')).toBeGreaterThan(hits);
    // Alice's next order is hers at once (read-your-writes), and never Bob's.
    const placed = await placeOrder(system, alice.token, { idempotencyKey: `ec-2-${alice.id}`, lines: [{ skuCode: code, quantity: 1 }] });
    const [mine, his] = await Promise.all([myOrders(alice), myOrders(bob)]);
    expect(new Set(mine.orders)).toEqual(new Set([placed.order!.id, ...ordersOf.get(alice.id)!]));
    expect(his.orders).toEqual(ordersOf.get(bob.id));

    // A refund changes an order without a change of status: orders' OrderRefunded drops Alice's kept answer.
    const refundedOf = async () => {
      const { body } = await system.graphql<{ me: { orders: { edges: { node: { id: string; refunded: { amount: string } } }[] } } }>(
        MY_ORDERS,
        {},
        alice.token,
      );
      return body.data!.me.orders.edges.find((edge) => edge.node.id === placed.order!.id)!.node.refunded.amount;
    };
    // Kept, then served from the cache (the new order's own events may still be arriving and dropping it).
    await eventually(
      async () => {
        expect(await refundedOf()).toBe('0.00');
        const hitsBeforeRefund = await routerMetric(system, 'router_entity_cache_hits');
        expect(await refundedOf()).toBe('0.00');
        return (await routerMetric(system, 'router_entity_cache_hits')) > hitsBeforeRefund;
      },
      'Alice’s answer served from the cache',
      { timeoutMs: 10_000 },
    );
    const refundsHeard = await routerMetric(system, 'router_entity_cache_events', 'OrderRefunded');
    const orders = system.system.subgraphs.find((subgraph) => subgraph.name === 'orders')!;
    await orders.bus.publish([
      {
        id: newId(),
        type: 'RefundSucceeded',
        source: 'payments',
        key: placed.order!.id,
        occurredAt: new Date().toISOString(),
        data: { refundId: newId(), orderId: placed.order!.id, amount: { minor: 100, currency: 'CNY' } },
      },
    ]);
    await eventually(
      async () => (await routerMetric(system, 'router_entity_cache_events', 'OrderRefunded')) > refundsHeard,
      'OrderRefunded arrived',
      {
        timeoutMs: 10_000,
      },
    );
    expect(await refundedOf()).toBe('1.00');
  });

  it('answers a set of contract operations exactly as a router with the cache off', async () => {
    const config = { ...system.config, entityCache: 'off' as const };
    const uncached: Router = await createRouter(config, { secrets: loadSecrets(config), subgraphUrls: system.system.subgraphUrls });
    try {
      const url = await uncached.listen(0);
      const examples = contractExamples();
      const products = await system.graphql<{ products: { edges: { node: { id: string } }[] } }>(
        '{ products(first: 3) { edges { node { id } } } }',
      );
      const operations: [string, Record<string, unknown>][] = [
        [PRODUCT_PAGE, { codes: [SKU, other] }],
        [contractOperation('stock.graphql', 'StockInquiry'), examples.StockInquiry!],
        [contractOperation('catalogue.graphql', 'SkuByCode'), { code: SKU }],
        ...products.body.data!.products.edges.map((edge): [string, Record<string, unknown>] => [
          contractOperation('catalogue.graphql', 'ProductDetail'),
          { id: edge.node.id },
        ]),
      ];
      const post = async (target: string, query: string, variables: Record<string, unknown>) => {
        const response = await fetch(target, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query, variables }),
        });
        return (await response.json()) as GraphQLResponse;
      };
      for (const [query, variables] of operations) {
        // Twice through the cached router: the second answer comes from memory where it can.
        const first = await post(system.system.routerUrl, query, variables);
        const second = await post(system.system.routerUrl, query, variables);
        const off = await post(url, query, variables);
        expect(first.errors).toBeUndefined();
        expect(second).toEqual(off);
        expect(first).toEqual(off);
      }
    } finally {
      await uncached.close();
    }
  });
});

describe('the entity cache under a caller who is not signed in', () => {
  let system: TestSystem;
  const maxBytes = 64 * 1024;
  beforeAll(async () => {
    system = await startTestSystem(
      { label: 'SQLite', mysqlUrl: undefined },
      {
        SEED_DEMO_DATA: 'true',
        ENTITY_CACHE: 'on',
        ENTITY_CACHE_MAX_BYTES: String(maxBytes),
        // Development: answers carry the cacheStatus extension.
        NODE_ENV: 'development',
      },
    );
  });
  afterAll(async () => {
    await system?.close();
  });

  it('tells a developer what each answer’s entity fetches found in the cache', async () => {
    const query = `query ($codes: [String!]!) { stockLevels(skuCodes: $codes) { sku { name } } }`;
    const first = await system.graphql(query, { codes: ['BP-TOY-COR-F'] });
    const levels = (first.body.data as { stockLevels: unknown[] }).stockLevels.length;
    expect(levels).toBeGreaterThan(0);
    expect((first.body as { extensions?: unknown }).extensions).toEqual({
      cacheStatus: { entityHits: 0, entityMisses: levels, rootFieldHits: 0, rootFieldMisses: 0 },
    });
    const second = await system.graphql(query, { codes: ['BP-TOY-COR-F'] });
    expect((second.body as { extensions?: unknown }).extensions).toEqual({
      cacheStatus: { entityHits: levels, entityMisses: 0, rootFieldHits: 0, rootFieldMisses: 0 },
    });
  });

  it('never grows past ENTITY_CACHE_MAX_BYTES, however many distinct selections and representations are asked for', async () => {
    const { body } = await system.graphql<{ products: { edges: { node: { skus: { code: string }[] } }[] } }>(
      '{ products(first: 50) { edges { node { skus { code } } } } }',
    );
    const codes = body.data!.products.edges.flatMap((edge) => edge.node.skus.map((sku) => sku.code));
    expect(codes.length).toBeGreaterThan(10);
    for (let i = 0; i < 150; i++) {
      // Each alias makes another fetch selection, so another entry per SKU: the bound must hold anyway.
      const query = `query ($codes: [String!]!) { stockLevels(skuCodes: $codes) { sku { a${i}: name description: name } } }`;
      const answer = await system.graphql(query, { codes });
      expect(answer.status).toBe(200);
      if (i % 50 === 49) expect(await routerMetric(system, 'router_entity_cache_bytes')).toBeLessThanOrEqual(maxBytes);
    }
    expect(await routerMetric(system, 'router_entity_cache_entries')).toBeGreaterThan(0);
    expect(await routerMetric(system, 'router_entity_cache_bytes')).toBeLessThanOrEqual(maxBytes);
  });
});

reportSkippedMysql();
