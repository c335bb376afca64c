import type { ExecutionResult } from 'graphql';
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { SubgraphServer } from '../platform/graphql/subgraph.ts';
import { eventually } from '../platform/testing/eventually.ts';
import { contractOperation } from './support/contract.ts';
import { demoWarehouseId } from './support/shop.ts';
import { placeExampleOrder, registeredMemberToken } from './support/shoppers.ts';
import { startTestSystem, type TestSystem } from './support/system.ts';

/**
 * Public streams shared across callers (docs/architecture.md §6, issue 21
 * item 4): `stockChanged` is `@sharedStream`, so every caller of the same
 * LiveStock shares one upstream subscription at the router, which runs it as
 * itself; each subscriber's fields it may not see are null, with a FORBIDDEN
 * error at their path, in every event. `orderUpdated` depends on the caller
 * and keeps one upstream per caller.
 */
const LIVE_STOCK = contractOperation('stock.graphql', 'LiveStock');
const LIVE_ORDERS = contractOperation('orders.graphql', 'LiveOrders');
const ADJUST_STOCK = contractOperation('stock.graphql', 'AdjustStock');
const CANCEL_ORDER = contractOperation('orders.graphql', 'CancelOrder');

const SKU = 'BP-TOY-COR-F';
const MEMBERS = 1000;
/** The warehouse's own figures in LiveStock: stock:read only (in the order refusedPaths sorts them). */
const INTERNAL = ['onHand', 'reason', 'reserved'];

type Result = ExecutionResult<Record<string, Record<string, unknown>>>;
type Live = {
  results: Result[];
  /** How the operation ended, if it did: an error for it, or completion. */
  ended: unknown;
  received(n: number): Promise<void>;
};

describe('shared streams through the router', () => {
  let system: TestSystem;
  let stock: SubgraphServer;
  let orders: SubgraphServer;
  let writer: string;
  let warehouseId: string;
  const clients: Client[] = [];

  beforeAll(async () => {
    system = await startTestSystem({ label: 'SQLite', mysqlUrl: undefined }, { SEED_DEMO_DATA: 'true' });
    stock = system.system.subgraphs.find((subgraph) => subgraph.name === 'stock')!;
    orders = system.system.subgraphs.find((subgraph) => subgraph.name === 'orders')!;
    writer = await system.staffToken(['stock:write', 'stock:read']);
    warehouseId = await demoWarehouseId(system);
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.dispose()));
    await eventually(async () => (await metric('graphql_subscription_upstreams_open')) === 0, 'every upstream is closed', {
      timeoutMs: 20_000,
    });
  });
  afterAll(async () => {
    await system?.close();
  });

  const metric = async (name: string) => {
    const text = await (await fetch(system.system.routerMetricsUrl)).text();
    return Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1]);
  };
  /** One socket with `token`'s identity and one subscription on it; keeps every result whole (data and errors). */
  const subscribe = (token: string, query: string, variables: Record<string, unknown>): Live => {
    const client = createClient({
      url: system.system.routerUrl.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
    });
    clients.push(client);
    const live: Live = {
      results: [],
      ended: undefined,
      received: (n) =>
        eventually(() => live.results.length >= n || live.ended !== undefined, `${n} events arrived`, { timeoutMs: 20_000 }).then(() => {
          if (live.results.length < n)
            throw new Error(`the subscription ended after ${live.results.length} events: ${JSON.stringify(live.ended)}`);
        }),
    };
    client.subscribe(
      { query, variables },
      {
        next: (result) => {
          live.results.push(result as Result);
        },
        error: (error) => {
          live.ended = error instanceof Error ? error.message : error;
        },
        complete: () => {
          live.ended = 'complete';
        },
      },
    );
    return live;
  };
  const adjust = async (delta: number, reason: string) => {
    const { body } = await system.graphql<{ adjustStock: { userErrors: unknown[] } }>(
      ADJUST_STOCK,
      { input: { warehouseId, skuCode: SKU, delta, reason } },
      writer,
    );
    expect(body.errors).toBeUndefined();
    expect(body.data!.adjustStock.userErrors).toEqual([]);
  };
  /** Makes harmless changes until every subscriber has had one, so all of them listen before the changes a test counts. */
  const warmUp = async (subscribers: Live[]) => {
    for (let attempt = 0; subscribers.some((live) => live.results.length === 0); attempt += 1) {
      if (attempt === 50) throw new Error('not every subscriber received a warm-up change');
      const ended = subscribers.find((live) => live.ended !== undefined);
      if (ended) throw new Error(`a subscription ended: ${JSON.stringify(ended.ended)}`);
      await adjust(1, 'warm-up');
      await eventually(() => subscribers.every((live) => live.results.length > 0), 'a warm-up change arrived', {
        timeoutMs: 2_000,
      }).catch(() => undefined);
    }
  };
  const refusedPaths = (result: Result) =>
    (result.errors ?? [])
      .map((error) => ({ path: error.path, code: error.extensions?.code }))
      .sort((a, b) => JSON.stringify(a.path).localeCompare(JSON.stringify(b.path)));
  /** The events of the changes a test counts: warm-ups add 1, the counted changes never do (a member cannot see `reason`). */
  const counted = (live: Live) => live.results.filter((result) => result.data?.stockChanged?.delta !== 1);

  it('holds one upstream for 1,000 members on LiveStock, each receiving every change without the fields it may not see', async () => {
    const tokens = await Promise.all(Array.from({ length: MEMBERS }, (_, index) => system.memberToken(`shared-member-${index}`)));
    const before = stock.subscriptionsStarted();
    const members: Live[] = [];
    // In batches, so the router is not asked for a thousand handshakes at once.
    for (let start = 0; start < MEMBERS; start += 100) {
      const batch = tokens.slice(start, start + 100).map((token) => subscribe(token, LIVE_STOCK, { skuCodes: [SKU] }));
      members.push(...batch);
      await eventually(async () => (await metric('graphql_subscriptions_open')) >= members.length, `${members.length} subscribed`, {
        timeoutMs: 30_000,
      });
    }
    const staff = subscribe(await system.staffToken(['stock:read']), LIVE_STOCK, { skuCodes: [SKU] });
    await warmUp([...members, staff]);
    expect(await metric('graphql_subscription_upstreams_open')).toBe(1);
    expect(stock.subscriptionsStarted()).toBe(before + 1);

    await adjust(-2, 'shared: damaged');
    await adjust(3, 'shared: found');
    await Promise.all(
      [...members, staff].map((live) =>
        eventually(() => counted(live).length >= 2 || live.ended !== undefined, 'both changes arrived', { timeoutMs: 20_000 }),
      ),
    );

    const staffEvents = counted(staff);
    expect(staffEvents.map((result) => result.errors)).toEqual([undefined, undefined]);
    const [damaged, found] = staffEvents.map((result) => result.data!.stockChanged!);
    expect(damaged).toEqual(expect.objectContaining({ delta: -2, reason: 'ADJUSTMENT shared: damaged', onHand: expect.any(Number) }));
    expect(found).toEqual(
      expect.objectContaining({ delta: 3, reason: 'ADJUSTMENT shared: found', onHand: (damaged!.onHand as number) + 3 }),
    );
    const publicPart = (change: Record<string, unknown>) => ({ ...change, onHand: null, reserved: null, reason: null });

    for (const member of members) {
      expect(member.ended).toBeUndefined();
      // Every event, the warm-ups too, refuses the member the warehouse's own figures.
      for (const result of member.results) {
        expect(refusedPaths(result)).toEqual(INTERNAL.map((field) => ({ path: ['stockChanged', field], code: 'FORBIDDEN' })));
        for (const field of INTERNAL) expect(result.data!.stockChanged![field]).toBeNull();
      }
      // ...and the rest of each change as staff see it, product names from the catalogue included.
      expect(counted(member).map((result) => result.data!.stockChanged)).toEqual([publicPart(damaged!), publicPart(found!)]);
    }
    expect((damaged!.sku as { product: { name: string } }).product.name).toEqual(expect.any(String));
    // Still one upstream: nobody's event opened another.
    expect(await metric('graphql_subscription_upstreams_open')).toBe(1);
  });

  it('completes each event as the router and filters it per subscriber: scopes decide fields, not who opened the stream', async () => {
    // Product.supplier needs catalogue:read, which the stream's upstream carries for whoever needs it.
    const query = `subscription SupplierStock($skuCodes: [String!]) {
      stockChanged(skuCodes: $skuCodes) { delta onHand reason sku { code product { supplier { name } } } }
    }`;
    const variables = { skuCodes: [SKU] };
    // A member opens the stream first: it must not decide what the others receive.
    const member = subscribe(await system.memberToken('shared-first'), query, variables);
    const stockReader = subscribe(await system.staffToken(['stock:read']), query, variables);
    const buyer = subscribe(await system.staffToken(['stock:read', 'catalogue:read']), query, variables);
    await warmUp([member, stockReader, buyer]);
    await adjust(-1, 'per subscriber');
    await Promise.all([member, stockReader, buyer].map((live) => live.received(live.results.length + 1)));
    expect(await metric('graphql_subscription_upstreams_open')).toBe(1);

    const supplierPath = ['stockChanged', 'sku', 'product', 'supplier'];
    for (const result of member.results) {
      expect(refusedPaths(result)).toEqual([
        { path: ['stockChanged', 'onHand'], code: 'FORBIDDEN' },
        { path: ['stockChanged', 'reason'], code: 'FORBIDDEN' },
        { path: supplierPath, code: 'FORBIDDEN' },
      ]);
      expect(result.data!.stockChanged).toEqual(
        expect.objectContaining({ onHand: null, reason: null, sku: { code: SKU, product: { supplier: null } } }),
      );
    }
    for (const result of stockReader.results) {
      expect(refusedPaths(result)).toEqual([{ path: supplierPath, code: 'FORBIDDEN' }]);
      expect(result.data!.stockChanged).toEqual(
        expect.objectContaining({
          onHand: expect.any(Number),
          reason: expect.any(String),
          sku: { code: SKU, product: { supplier: null } },
        }),
      );
    }
    for (const result of buyer.results) {
      expect(result.errors).toBeUndefined();
      expect(result.data!.stockChanged).toEqual(
        expect.objectContaining({ onHand: expect.any(Number), sku: { code: SKU, product: { supplier: { name: expect.any(String) } } } }),
      );
    }
  });

  it('keeps one upstream per caller for orderUpdated, and never shows one member the order of another', async () => {
    const member = (name: string, email: string) => registeredMemberToken(system, name, email);
    const place = (token: string, idempotencyKey: string) => placeExampleOrder(system, token, idempotencyKey);
    const carol = await member('Carol Shared', 'carol.shared@example.com');
    const dave = await member('Dave Shared', 'dave.shared@example.com');
    const carolOrder = await place(carol, 'shared-carol');
    const daveOrder = await place(dave, 'shared-dave');
    const carolSecondOrder = await place(carol, 'shared-carol-2');

    const before = orders.subscriptionsStarted();
    // The same operation and variables: were it shared, it would be one upstream.
    const carolLive = subscribe(carol, LIVE_ORDERS, {});
    const daveLive = subscribe(dave, LIVE_ORDERS, {});
    await eventually(() => orders.subscriptionsStarted() >= before + 2, 'two upstream subscriptions started', { timeoutMs: 10_000 });
    expect(await metric('graphql_subscription_upstreams_open')).toBe(2);

    const ordersWriter = await system.staffToken(['orders:read', 'orders:write']);
    // Carol's, Dave's, Carol's: a stream that carried the other member's change would have it before its own next one.
    for (const orderId of [carolOrder, daveOrder, carolSecondOrder]) {
      const { body } = await system.graphql<{ cancelOrder: { userErrors: unknown[] } }>(
        CANCEL_ORDER,
        { input: { orderId, reason: 'shared streams test' } },
        ordersWriter,
      );
      expect(body.data!.cancelOrder.userErrors).toEqual([]);
    }
    await Promise.all([carolLive.received(2), daveLive.received(1)]);
    const orderIds = (live: Live) => live.results.map((result) => (result.data!.orderUpdated!.order as { id: string }).id);
    expect(orderIds(carolLive)).toEqual([carolOrder, carolSecondOrder]);
    expect(orderIds(daveLive)).toEqual([daveOrder]);
    expect(carolLive.results[0]!.data!.orderUpdated!.order).toEqual(expect.objectContaining({ member: { name: 'Carol Shared' } }));
  });
});
