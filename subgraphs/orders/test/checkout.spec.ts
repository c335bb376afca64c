import { IDENTITY_HEADER, signIdentity } from '../../../platform/auth/identity-header.ts';
import { databaseTargets, reportSkippedMysql, type TestEnvironment, testEnvironment } from '../../../platform/testing/databases.ts';
import { type GraphQLResponse, staff } from '../../../platform/testing/subgraph-client.ts';
import { OrderEntity, OrderHistoryEntity, OrderLineEntity } from '../entities/order.entity.ts';
import { address, cashier, guest, member, type OrdersSystem, startOrdersSystem, type UserError } from './fixtures.ts';

const basket = (skuCode: string, quantity: number) => [{ skuCode, quantity }];

describe.each(databaseTargets())('placeOrder on $label', (target) => {
  let env: TestEnvironment;
  let system: OrdersSystem;
  let storeId: string;

  const rows = async () => {
    const em = system.orders.server.db.fork();
    return {
      orders: await em.count(OrderEntity, {}),
      lines: await em.count(OrderLineEntity, {}),
      history: await em.count(OrderHistoryEntity, {}),
    };
  };

  beforeAll(async () => {
    env = testEnvironment(target);
    system = await startOrdersSystem(env.config);
    await system.stockUp([
      { code: 'CO-PADS', price: '289.00', quantity: 100 },
      { code: 'CO-OIL', price: '45.50', quantity: 100 },
    ]);
    ({ warehouseId: storeId } = await system.stockUp([{ code: 'CO-STORE', price: '10.00', quantity: 5 }]));
  });
  afterAll(async () => {
    await system?.close();
    await env?.cleanup();
  });

  it('prices every line from the catalogue, totals in Money, and reserves the stock', async () => {
    const payload = await system.place({
      idempotencyKey: 'checkout-1',
      channel: 'ONLINE',
      lines: [
        { skuCode: 'CO-PADS', quantity: 2 },
        { skuCode: 'CO-OIL', quantity: 3 },
      ],
      shippingAddress: address,
    });
    expect(payload.userErrors).toEqual([]);
    expect(payload.order).toMatchObject({
      number: expect.stringMatching(/^SO-\d{4}-\d{6}$/),
      status: 'PENDING_PAYMENT',
      total: { amount: '714.50', currencyCode: 'CNY' },
      lines: [
        { sku: { code: 'CO-PADS' }, quantity: 2, unitPrice: { amount: '289.00' }, lineTotal: { amount: '578.00' } },
        { sku: { code: 'CO-OIL' }, quantity: 3, unitPrice: { amount: '45.50' }, lineTotal: { amount: '136.50' } },
      ],
      history: [{ status: 'PENDING_PAYMENT', note: null }],
    });
    expect(await system.reservationStatus(payload.order!.id)).toBe('ACTIVE');
    expect(await system.level('CO-OIL')).toMatchObject({ reserved: 3 });
  });

  it('numbers orders uniquely and in increasing order', async () => {
    const numbers: string[] = [];
    for (let i = 0; i < 3; i++) {
      numbers.push(
        (await system.place({ idempotencyKey: `numbered-${i}`, channel: 'ONLINE', lines: basket('CO-OIL', 1), shippingAddress: address }))
          .order!.number,
      );
    }
    expect([...numbers].sort()).toEqual(numbers);
    expect(new Set(numbers).size).toBe(3);
  });

  it('returns the same order for a retried key and reserves nothing twice, even when the calls race', async () => {
    const input = { idempotencyKey: 'race-1', channel: 'ONLINE', lines: basket('CO-PADS', 4), shippingAddress: address };
    const before = await system.level('CO-PADS');
    const results = await Promise.all(Array.from({ length: 10 }, () => system.place(input, member('m-race'))));
    const ids = new Set(results.map((result) => result.order?.id));
    expect(results.every((result) => result.userErrors.length === 0)).toBe(true);
    expect(ids.size).toBe(1);
    expect(await system.level('CO-PADS')).toEqual({ ...before, reserved: before.reserved + 4, available: before.available - 4 });
    expect((await system.place(input, member('m-race'))).order?.id).toBe([...ids][0]);
  });

  it('treats the same key from two callers as two orders', async () => {
    const input = { idempotencyKey: 'shared-key', channel: 'ONLINE', lines: basket('CO-OIL', 1), shippingAddress: address };
    const a = await system.place(input, member('m-a'));
    const b = await system.place(input, member('m-b'));
    expect(a.order!.id).not.toBe(b.order!.id);
  });

  it('refuses a key reused for a different basket', async () => {
    await system.place(
      { idempotencyKey: 'reused', channel: 'ONLINE', lines: basket('CO-OIL', 1), shippingAddress: address },
      member('m-r'),
    );
    const payload = await system.place(
      { idempotencyKey: 'reused', channel: 'ONLINE', lines: basket('CO-OIL', 2), shippingAddress: address },
      member('m-r'),
    );
    expect(payload.userErrors).toEqual([expect.objectContaining({ code: 'DUPLICATE_REQUEST', field: 'input.idempotencyKey' })]);
  });

  it('sells off the store shelf only, for a cashier', async () => {
    const sale = await system.place(
      { idempotencyKey: 'till-1', channel: 'STORE', storeWarehouseId: storeId, lines: basket('CO-STORE', 2), memberId: 'm-walkin' },
      cashier,
    );
    expect(sale.userErrors).toEqual([]);
    const shelfOnly = await system.place(
      { idempotencyKey: 'till-2', channel: 'STORE', storeWarehouseId: storeId, lines: basket('CO-PADS', 1) },
      cashier,
    );
    expect(shelfOnly.userErrors[0]).toMatchObject({ code: 'INSUFFICIENT_STOCK' });
    const notCashier = await system.place(
      { idempotencyKey: 'till-3', channel: 'STORE', storeWarehouseId: storeId, lines: basket('CO-STORE', 1) },
      member('m-1'),
    );
    expect(notCashier.userErrors[0]).toMatchObject({ code: 'NOT_ALLOWED', field: 'input.channel' });
  });

  it.each<[string, Record<string, unknown>, Partial<UserError>]>([
    ['an empty basket', { lines: [] }, { code: 'INVALID_VALUE', field: 'input.lines' }],
    ['a zero quantity', { lines: basket('CO-OIL', 0) }, { code: 'INVALID_VALUE', field: 'input.lines[0].quantity' }],
    ['a huge quantity', { lines: basket('CO-OIL', 100000) }, { code: 'INVALID_VALUE', field: 'input.lines[0].quantity' }],
    ['an unknown SKU', { lines: basket('NO-SUCH-SKU', 1) }, { code: 'UNKNOWN_SKU', field: 'input.lines[0].skuCode' }],
    ['a malformed SKU code', { lines: basket('no such', 1) }, { code: 'INVALID_VALUE', field: 'input.lines[0].skuCode' }],
    [
      'duplicate lines',
      { lines: [...basket('CO-OIL', 1), ...basket('CO-OIL', 2)] },
      { code: 'INVALID_VALUE', field: 'input.lines[1].skuCode' },
    ],
    ['more than is in stock', { lines: basket('CO-OIL', 999) }, { code: 'INSUFFICIENT_STOCK' }],
    ['no shipping address online', { shippingAddress: null }, { code: 'INVALID_VALUE', field: 'input.shippingAddress' }],
    [
      'a country that is not a code',
      { shippingAddress: { ...address, country: 'China' } },
      { code: 'INVALID_VALUE', field: 'input.shippingAddress.country' },
    ],
    ['an empty idempotency key', { idempotencyKey: '' }, { code: 'INVALID_VALUE', field: 'input.idempotencyKey' }],
    ['a guest’s coupon (coupons are members’)', { couponCode: 'GOLD-10' }, { code: 'INVALID_COUPON', field: 'input.couponCode' }],
    ['a guest’s points (points are members’)', { pointsToRedeem: 100 }, { code: 'INSUFFICIENT_POINTS' }],
    ['negative points', { pointsToRedeem: -1 }, { code: 'INVALID_VALUE', field: 'input.pointsToRedeem' }],
    [
      'a store sale without a store',
      { channel: 'STORE', shippingAddress: null },
      { code: 'INVALID_VALUE', field: 'input.storeWarehouseId' },
    ],
  ])('refuses %s with a user error and writes nothing', async (_, overrides, expected) => {
    const before = { rows: await rows(), stock: await system.level('CO-OIL') };
    const identity = overrides.channel === 'STORE' ? cashier : guest;
    const payload = await system.place(
      {
        idempotencyKey: `bad-${JSON.stringify(overrides)}`,
        channel: 'ONLINE',
        lines: basket('CO-OIL', 1),
        shippingAddress: address,
        ...overrides,
      },
      identity,
    );
    expect(payload.order).toBeNull();
    expect(payload.userErrors).toContainEqual(expect.objectContaining(expected));
    expect({ rows: await rows(), stock: await system.level('CO-OIL') }).toEqual(before);
  });

  it('lets only a cashier name the member of a sale', async () => {
    const payload = await system.place(
      { idempotencyKey: 'not-mine', channel: 'ONLINE', lines: basket('CO-OIL', 1), shippingAddress: address, memberId: 'someone-else' },
      member('m-1'),
    );
    expect(payload.userErrors[0]).toMatchObject({ code: 'NOT_ALLOWED', field: 'input.memberId' });
  });

  it('is refused by the subgraph to a caller it cannot identify', async () => {
    // A staff identity that would be allowed if it were believed: only the missing or forged signature refuses it.
    const allowed = staff('orders:read');
    const send = async (headers: Record<string, string>) => {
      const response = await fetch(system.orders.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query: '{ orders { totalCount } }' }),
      });
      return { status: response.status, body: (await response.json()) as GraphQLResponse };
    };
    const believed = await system.orders.request<{ orders: { totalCount: number } }>('{ orders { totalCount } }', {}, allowed);
    expect(believed.errors).toBeUndefined();
    const unsigned: Record<string, string> = {};
    for (const headers of [unsigned, { [IDENTITY_HEADER]: signIdentity(allowed, 'not-the-internal-secret') }]) {
      const refused = await send(headers);
      expect(refused.status).toBe(401);
      expect(refused.body.data).toBeUndefined();
      expect(refused.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
  });

  it('is refused to a staff member without the orders scope', async () => {
    const result = await system.orders.request('{ orders { totalCount } }', {}, staff('catalogue:read'));
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('leaves the stock ledger reconciled', async () => {
    expect(await system.reconcile()).toEqual([]);
  });
});

describe('placeOrder on MySQL', () => {
  reportSkippedMysql();
});
