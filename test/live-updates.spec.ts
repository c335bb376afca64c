import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { SubgraphServer } from '../platform/graphql/subgraph.ts';
import { databaseTargets, reportSkippedMysql } from '../platform/testing/databases.ts';
import { eventually } from '../platform/testing/eventually.ts';
import { type RouterSubscription, subscribeToRouter } from '../router/subscriptions/testing/router-subscription.ts';
import { contractExamples, contractOperation } from './support/contract.ts';
import { demoWarehouseId } from './support/shop.ts';
import { placeExampleOrder, registeredMemberToken } from './support/shoppers.ts';
import { startTestSystem, type TestSystem } from './support/system.ts';

/**
 * Live updates through the router (docs/architecture.md §6, issue 8 items 1 and 2): the
 * contract's LiveStock and LiveOrders over graphql-ws on the router's
 * /graphql, completed with other subgraphs' fields, refused by the same rules
 * as queries, and shared upstream between identical subscribers.
 */
const LIVE_STOCK = contractOperation('stock.graphql', 'LiveStock');
const LIVE_ORDERS = contractOperation('orders.graphql', 'LiveOrders');
const ADJUST_STOCK = contractOperation('stock.graphql', 'AdjustStock');
const RECEIVE_STOCK = contractOperation('stock.graphql', 'ReceiveStock');
const SKU_BY_CODE = contractOperation('catalogue.graphql', 'SkuByCode');
const CANCEL_ORDER = contractOperation('orders.graphql', 'CancelOrder');
const LOGIN = contractOperation('members.graphql', 'Login');
const CREATE_API_KEY = contractOperation('members.graphql', 'CreateApiKey');
const examples = contractExamples();

const SKU = 'BP-TOY-COR-F';
const OTHER_SKU = 'OF-VW-GOLF';

type StockChange = {
  sku: { code: string; name: string; product: { name: string } };
  warehouse: { code: string };
  onHand: number;
  reserved: number;
  available: number;
  delta: number;
  reason: string;
  at: string;
};
type OrderUpdate = {
  order: { id: string; number: string; status: string; total: { amount: string; currencyCode: string }; member: { name: string } | null };
  previousStatus: string | null;
  at: string;
};

describe.each(databaseTargets())('live updates through the router on $label', (target) => {
  let system: TestSystem;
  let stock: SubgraphServer;
  let orders: SubgraphServer;
  let reader: string;
  let writer: string;
  let warehouseId: string;
  let supplierId: string;
  /** Sockets the router holds open to the stock subgraph's graphql-ws endpoint right now. */
  const upstreamSockets = new Set<Duplex>();
  const opened: RouterSubscription<unknown>[] = [];

  beforeAll(async () => {
    system = await startTestSystem(target, { SEED_DEMO_DATA: 'true' });
    stock = system.system.subgraphs.find((subgraph) => subgraph.name === 'stock')!;
    orders = system.system.subgraphs.find((subgraph) => subgraph.name === 'orders')!;
    stock.http.on('upgrade', (_req: IncomingMessage, socket: Duplex) => {
      upstreamSockets.add(socket);
      socket.on('close', () => upstreamSockets.delete(socket));
    });
    reader = await system.staffToken(['stock:read']);
    writer = await system.staffToken(['stock:write', 'stock:read']);
    warehouseId = await demoWarehouseId(system);
    const suppliers = await system.graphql<{ suppliers: { id: string }[] }>(
      '{ suppliers { id } }',
      {},
      await system.staffToken(['catalogue:read']),
    );
    supplierId = suppliers.body.data!.suppliers[0]!.id;
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((subscription) => subscription.dispose()));
  });
  afterAll(async () => {
    await system?.close();
  });

  const subscribe = <Event>(
    query: string,
    variables: Record<string, unknown>,
    connectionParams: Record<string, unknown>,
    field: string,
  ) => {
    const subscription = subscribeToRouter<Event>({ routerUrl: system.system.routerUrl, connectionParams, query, variables, field });
    opened.push(subscription as RouterSubscription<unknown>);
    return subscription;
  };
  const liveStock = (token: string | undefined, skuCodes: string[] | null = [SKU]) =>
    subscribe<StockChange>(LIVE_STOCK, { skuCodes }, token ? { authorization: `Bearer ${token}` } : {}, 'stockChanged');
  const adjust = async (skuCode: string, delta: number, reason: string) => {
    const { body } = await system.graphql<{ adjustStock: { level: { onHand: number } | null; userErrors: unknown[] } }>(
      ADJUST_STOCK,
      { input: { warehouseId, skuCode, delta, reason } },
      writer,
    );
    expect(body.errors).toBeUndefined();
    expect(body.data!.adjustStock.userErrors).toEqual([]);
    return body.data!.adjustStock.level!;
  };
  /** Waits until the owning subgraph has started `count` more subscriptions than `before` (it then listens for events). */
  const upstreamStarted = (server: SubgraphServer, before: number, count = 1) =>
    eventually(() => server.subscriptionsStarted() >= before + count, `${count} more upstream subscriptions started`, {
      timeoutMs: 10_000,
    });
  /**
   * Makes harmless changes until every subscriber has an event: a subscriber
   * that joined an already open upstream is not visible upstream, so this is
   * how a test knows all of them listen before the changes it counts.
   */
  const warmUp = async (subscriptions: RouterSubscription<StockChange>[]) => {
    for (let attempt = 0; subscriptions.some((subscription) => subscription.events.length === 0); attempt += 1) {
      if (attempt === 50) throw new Error('not every subscriber received a warm-up change');
      await adjust(SKU, 1, 'warm-up');
      await Promise.all(subscriptions.map((subscription) => subscription.received(1, 200).catch(() => undefined)));
    }
  };

  it('streams LiveStock with the SKU and product names from the catalogue, for changes made through the router', async () => {
    const catalogue = await system.graphql<{ sku: { name: string; product: { name: string } } }>(SKU_BY_CODE, { code: SKU });
    const before = stock.subscriptionsStarted();
    const live = liveStock(reader);
    await upstreamStarted(stock, before);

    const adjusted = await adjust(SKU, -1, 'live: damaged');
    const received = await system.graphql<{ receiveStock: { userErrors: unknown[] } }>(
      RECEIVE_STOCK,
      { input: { warehouseId, supplierId, reference: 'PO-LIVE-1', lines: [{ skuCode: SKU, quantity: 5 }] } },
      writer,
    );
    expect(received.body.data!.receiveStock.userErrors).toEqual([]);

    const [adjustment, receipt] = await live.received(2);
    const sku = { code: SKU, name: catalogue.body.data!.sku.name, product: { name: catalogue.body.data!.sku.product.name } };
    expect(adjustment).toEqual({
      sku,
      warehouse: { code: 'SH-01' },
      onHand: adjusted.onHand,
      reserved: expect.any(Number),
      available: expect.any(Number),
      delta: -1,
      reason: 'ADJUSTMENT live: damaged',
      at: expect.any(String),
    });
    expect(receipt).toEqual(
      expect.objectContaining({ sku, onHand: adjusted.onHand + 5, delta: 5, reason: expect.stringContaining('PO-LIVE-1') }),
    );
  });

  it("accepts a partner's API key in connection_init, with the key's scopes", async () => {
    const login = await system.graphql<{ login: { token: string } }>(LOGIN, {
      input: { email: 'admin@example.com', password: 'development-only-admin' },
    });
    const created = await system.graphql<{ createApiKey: { secret: string } }>(
      CREATE_API_KEY,
      { input: { name: 'live dashboard', scopes: ['stock:read', 'catalogue:read'] } },
      login.body.data!.login.token,
    );
    const before = stock.subscriptionsStarted();
    const live = subscribe<StockChange>(
      LIVE_STOCK,
      { skuCodes: [SKU] },
      { 'x-api-key': created.body.data!.createApiKey.secret },
      'stockChanged',
    );
    await upstreamStarted(stock, before);
    await adjust(SKU, 2, 'for the partner');
    const [change] = await live.received(1);
    expect(change).toEqual(
      expect.objectContaining({ delta: 2, reason: 'ADJUSTMENT for the partner', sku: expect.objectContaining({ code: SKU }) }),
    );
  });

  it('refuses at subscribe time, with an error for the operation, what a query would be refused', async () => {
    const before = orders.subscriptionsStarted();
    const anonymousOrders = subscribe(LIVE_ORDERS, {}, {}, 'orderUpdated');
    expect(await anonymousOrders.ended).toEqual({
      errors: [expect.objectContaining({ message: expect.stringContaining('signed-in'), extensions: { code: 'UNAUTHENTICATED' } })],
    });
    // A caller-dependent subscription is refused whole for a field below its root (Sku.priceHistory needs catalogue:read).
    const member = await system.memberToken('live-updates-member');
    const priceHistory = subscribe(
      'subscription { orderUpdated { order { id lines { sku { code priceHistory { changedAt } } } } } }',
      {},
      { authorization: `Bearer ${member}` },
      'orderUpdated',
    );
    expect(await priceHistory.ended).toEqual({
      errors: [expect.objectContaining({ message: expect.stringContaining('Sku.priceHistory'), extensions: { code: 'FORBIDDEN' } })],
    });
    // Refused at the router: no subgraph was asked.
    expect(orders.subscriptionsStarted()).toBe(before);
  });

  it('lets anyone subscribe to LiveStock, a shared stream, and refuses the warehouse figures per event instead', async () => {
    const before = stock.subscriptionsStarted();
    const anonymous = liveStock(undefined);
    await upstreamStarted(stock, before);
    await adjust(SKU, 1, 'for anyone');
    // The test client ends a subscription at the first result with errors and reports them.
    expect(await anonymous.ended).toEqual({
      errors: ['onHand', 'reserved', 'reason'].map((field) => ({
        message: expect.stringContaining(`StockChange.${field} requires the scope stock:read`),
        extensions: { code: 'FORBIDDEN' },
      })),
    });
  });

  it('closes the connection with 4401 for a credential that does not check out', async () => {
    expect(await liveStock('not-a-jwt').ended).toEqual({ closeCode: 4401 });
    const badKey = subscribe(LIVE_STOCK, { skuCodes: [SKU] }, { 'x-api-key': 'cpk_made_up' }, 'stockChanged');
    expect(await badKey.ended).toEqual({ closeCode: 4401 });
  });

  it('shares one upstream subscription between identical subscribers, and closes it when the last one stops', async () => {
    const before = stock.subscriptionsStarted();
    const first = liveStock(reader);
    await upstreamStarted(stock, before);
    const second = liveStock(reader);
    await warmUp([first, second]);
    expect(stock.subscriptionsStarted()).toBe(before + 1);
    expect(upstreamSockets.size).toBe(1);

    // Other variables are another upstream.
    const other = liveStock(reader, [SKU, OTHER_SKU]);
    await upstreamStarted(stock, before, 2);
    // ...carried by the same socket: the router multiplexes its upstream subscriptions.
    expect(upstreamSockets.size).toBe(1);

    first.stop();
    await first.ended.catch(() => undefined);
    await adjust(SKU, 1, 'after the first stopped');
    await eventually(
      () => second.events.some((event) => event.reason === 'ADJUSTMENT after the first stopped'),
      'the second subscriber has the change',
      { timeoutMs: 20_000 },
    );
    expect(upstreamSockets.size).toBe(1);

    second.stop();
    other.stop();
    await eventually(() => upstreamSockets.size === 0, 'no upstream socket is left', { timeoutMs: 20_000 });
    expect(stock.subscriptionsStarted()).toBe(before + 2);
  });

  it('streams LiveOrders: a member their own orders with their name, staff with orders:read all of them', async () => {
    const member = (name: string, email: string) => registeredMemberToken(system, name, email);
    const place = (token: string, idempotencyKey: string) => placeExampleOrder(system, token, idempotencyKey);
    const alice = await member('Alice Live', 'alice.live@example.com');
    const bob = await member('Bob Live', 'bob.live@example.com');
    const aliceOrder = await place(alice, 'live-alice');
    const bobOrder = await place(bob, 'live-bob');
    const ordersWriter = await system.staffToken(['orders:read', 'orders:write']);

    const before = orders.subscriptionsStarted();
    const aliceLive = subscribe<OrderUpdate>(LIVE_ORDERS, examples.LiveOrders!, { authorization: `Bearer ${alice}` }, 'orderUpdated');
    const staffLive = subscribe<OrderUpdate>(
      LIVE_ORDERS,
      examples.LiveOrders!,
      { authorization: `Bearer ${await system.staffToken(['orders:read'])}` },
      'orderUpdated',
    );
    await upstreamStarted(orders, before, 2);

    for (const orderId of [bobOrder, aliceOrder]) {
      const { body } = await system.graphql<{ cancelOrder: { userErrors: unknown[] } }>(
        CANCEL_ORDER,
        { input: { orderId, reason: 'live test' } },
        ordersWriter,
      );
      expect(body.data!.cancelOrder.userErrors).toEqual([]);
    }

    const [forAlice] = await aliceLive.received(1);
    expect(forAlice).toEqual({
      order: expect.objectContaining({ id: aliceOrder, status: 'CANCELLED', member: { name: 'Alice Live' } }),
      previousStatus: 'PENDING_PAYMENT',
      at: expect.any(String),
    });
    const forStaff = await staffLive.received(2);
    expect(forStaff.map((update) => [update.order.id, update.order.member?.name])).toEqual([
      [bobOrder, 'Bob Live'],
      [aliceOrder, 'Alice Live'],
    ]);
    // Bob's cancellation came first, and Alice never saw it.
    expect(aliceLive.events.map((update) => update.order.id)).toEqual([aliceOrder]);
  });

  it('passes on the owning subgraph refusing a subscription as an error for the operation', async () => {
    // Signed in, so the router lets it through; orders refuses staff without orders:read.
    const refused = subscribe(LIVE_ORDERS, {}, { authorization: `Bearer ${await system.staffToken(['stock:read'])}` }, 'orderUpdated');
    expect((await refused.ended).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('delivers a burst of changes to many subscribers, none lost, in order per SKU', async () => {
    const subscribers = 50;
    const changesPerSku = 10;
    // Five distinct variable sets: five shared upstreams of ten subscribers each.
    const live = Array.from({ length: subscribers }, (_, index) => liveStock(reader, [SKU, OTHER_SKU, `NO-SUCH-${index % 5}`]));
    await warmUp(live);
    const burst = Array.from({ length: changesPerSku }, (_, index) => index + 1);
    await Promise.all(burst.flatMap((delta) => [adjust(SKU, delta, `burst ${delta}`), adjust(OTHER_SKU, delta, `burst ${delta}`)]));

    const inBurst = (events: StockChange[]) => events.filter((event) => event.reason.startsWith('ADJUSTMENT burst'));
    // Past the deadline the assertions below say what is missing.
    await eventually(
      () => live.every((subscription) => inBurst(subscription.events).length >= 2 * changesPerSku),
      'every subscriber has the whole burst',
      { timeoutMs: 20_000 },
    ).catch(() => undefined);
    const reference = inBurst(live[0]!.events);
    expect(reference).toHaveLength(2 * changesPerSku);
    for (const code of [SKU, OTHER_SKU]) {
      const ofSku = reference.filter((event) => event.sku.code === code);
      expect(ofSku.map((event) => event.delta).sort((a, b) => a - b)).toEqual(burst);
      // In order: each event's level is the previous one's plus its delta.
      for (let index = 1; index < ofSku.length; index += 1) {
        expect(ofSku[index]!.onHand).toBe(ofSku[index - 1]!.onHand + ofSku[index]!.delta);
      }
    }
    for (const subscription of live) expect(inBurst(subscription.events)).toEqual(reference);
  });
});

describe('live updates through the router on MySQL', () => reportSkippedMysql());
