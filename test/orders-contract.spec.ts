import { businessYear } from '../platform/db/sequence.ts';
import { databaseTargets, reportSkippedMysql } from '../platform/testing/databases.ts';
import { contractExamples, contractOperation } from './support/contract.ts';
import { paymentSucceeded as publishPaymentSucceeded } from './support/shop.ts';
import { startTestSystem, type TestSystem } from './support/system.ts';

/**
 * The orders part of the public contract (test/contract/orders.graphql),
 * sent through the real router to the real subgraphs over the seeded demo
 * data, with the examples' own variables. Members, payments and invoices do
 * not exist yet: coupons are refused, a payment is the PaymentSucceeded event
 * the payments subgraph will publish, OrderDetail is asked without the fields
 * those subgraphs will add, and MyOrders waits for `me`.
 */
const PLACE_ORDER = contractOperation('orders.graphql', 'PlaceOrder');
const CANCEL_ORDER = contractOperation('orders.graphql', 'CancelOrder');
const SHIP_ORDER = contractOperation('orders.graphql', 'ShipOrder');
const REQUEST_RETURN = contractOperation('orders.graphql', 'RequestReturn');
const ORDER_DETAIL = contractOperation('orders.graphql', 'OrderDetail', { withoutFields: ['member', 'payments', 'invoices'] });
const SKU_BY_CODE = contractOperation('catalogue.graphql', 'SkuByCode');
const STOCK_INQUIRY = contractOperation('stock.graphql', 'StockInquiry');
const examples = contractExamples();

type Money = { amount: string; currencyCode: string };
type UserError = { code: string; field: string | null; message: string };
type PlacedOrder = {
  id: string;
  number: string;
  status: string;
  total: Money;
  lines: { sku: { code: string; name: string; product: { name: string } }; quantity: number; unitPrice: Money; lineTotal: Money }[];
  reservationExpiresAt: string | null;
};
type PlaceOrderResult = { placeOrder: { order: PlacedOrder | null; userErrors: UserError[] } };
type OrderPayload = { order: { id: string; status: string } | null; userErrors: UserError[] };
type OrderDetail = {
  id: string;
  number: string;
  status: string;
  createdAt: string;
  total: Money;
  lines: { sku: { code: string; product: { name: string } }; quantity: number; lineTotal: Money }[];
  history: { status: string; at: string; note: string | null }[];
};
type PlaceOrderVariables = { input: Record<string, unknown> & { idempotencyKey: string; lines: { skuCode: string; quantity: number }[] } };

const SKU = 'BP-TOY-COR-F';

/** `amount` (a decimal string with two places, as CNY has) times `n`, computed in minor units. */
function times(amount: string, n: number): string {
  const [whole, fraction = ''] = amount.split('.');
  const minor = (Number(whole) * 100 + Number(fraction.padEnd(2, '0'))) * n;
  return `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;
}

describe.each(databaseTargets())('the orders contract through the router on $label', (target) => {
  let system: TestSystem;
  let reader: string;
  let writer: string;
  let price: Money;
  let skuName: string;
  let productName: string;
  /** The example's PlaceOrder without its coupon: what a guest can check out today. */
  let withoutCoupon: PlaceOrderVariables;
  let guestOrder: PlacedOrder;

  beforeAll(async () => {
    system = await startTestSystem(target, { SEED_DEMO_DATA: 'true' });
    reader = await system.staffToken(['orders:read']);
    writer = await system.staffToken(['orders:write', 'orders:read']);
    const sku = await system.graphql<{ sku: { name: string; price: Money; product: { name: string } } }>(SKU_BY_CODE, { code: SKU });
    ({ price, name: skuName } = sku.body.data!.sku);
    productName = sku.body.data!.sku.product.name;
    const { couponCode: _coupon, ...input } = (examples.PlaceOrder as PlaceOrderVariables).input;
    withoutCoupon = { input: input as PlaceOrderVariables['input'] };
  });
  afterAll(async () => {
    await system?.close();
  });

  const stockOf = async (code: string) => {
    const { body } = await system.graphql<{ stockLevels: { onHand: number; reserved: number; available: number }[] }>(STOCK_INQUIRY, {
      skuCodes: [code],
    });
    expect(body.errors).toBeUndefined();
    const levels = body.data!.stockLevels;
    return {
      onHand: levels.reduce((sum, level) => sum + level.onHand, 0),
      reserved: levels.reduce((sum, level) => sum + level.reserved, 0),
      available: levels.reduce((sum, level) => sum + level.available, 0),
    };
  };
  const orderCount = async () => {
    const { body } = await system.graphql<{ orders: { totalCount: number } }>('{ orders { totalCount } }', {}, reader);
    expect(body.errors).toBeUndefined();
    return body.data!.orders.totalCount;
  };
  const detail = async (id: string, token = reader) => {
    const { status, body } = await system.graphql<{ order: OrderDetail | null }>(ORDER_DETAIL, { ...examples.OrderDetail, id }, token);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    return body.data!.order;
  };
  const place = async (variables: PlaceOrderVariables, token?: string) => {
    const { status, body } = await system.graphql<PlaceOrderResult>(PLACE_ORDER, variables, token);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    return body.data!.placeOrder;
  };
  /**
   * Paying through a provider is payments-contract.spec.ts's subject; here the
   * test publishes the PaymentSucceeded event payments announces (shop.ts), to
   * look at orders alone.
   */
  const paymentSucceeded = (orderId: string) => publishPaymentSucceeded(system, orderId);

  it('answers the PlaceOrder example from a guest with INVALID_COUPON, since only members hold coupons, and writes nothing', async () => {
    const stock = await stockOf(SKU);
    expect(await place(examples.PlaceOrder as PlaceOrderVariables)).toEqual({
      order: null,
      userErrors: [{ code: 'INVALID_COUPON', field: 'input.couponCode', message: expect.stringContaining('GOLD-10') }],
    });
    expect(await stockOf(SKU)).toEqual(stock);
    expect(await orderCount()).toBe(0);
  });

  it('places the example without its coupon as a guest, priced by the catalogue, with stock reserved and lines resolved across subgraphs', async () => {
    const stock = await stockOf(SKU);
    const placedAt = Date.now();
    const result = await place(withoutCoupon);
    expect(result.userErrors).toEqual([]);
    guestOrder = result.order!;
    // The first order of the year: the refused checkout above used no number.
    expect(guestOrder).toEqual({
      id: expect.any(String),
      number: `SO-${businessYear(new Date(placedAt))}-000001`,
      status: 'PENDING_PAYMENT',
      total: { amount: times(price.amount, 2), currencyCode: price.currencyCode },
      lines: [
        {
          sku: { code: SKU, name: skuName, product: { name: productName } },
          quantity: 2,
          unitPrice: price,
          lineTotal: { amount: times(price.amount, 2), currencyCode: price.currencyCode },
        },
      ],
      reservationExpiresAt: expect.any(String),
    });
    const expiresIn = Date.parse(guestOrder.reservationExpiresAt!) - placedAt;
    expect(expiresIn).toBeGreaterThan(29 * 60_000);
    expect(expiresIn).toBeLessThanOrEqual(31 * 60_000);
    expect(await stockOf(SKU)).toEqual({ onHand: stock.onHand, reserved: stock.reserved + 2, available: stock.available - 2 });

    // A retry with the same idempotencyKey answers the same order and reserves nothing more.
    const retry = await place(withoutCoupon);
    expect(retry).toEqual({ order: guestOrder, userErrors: [] });
    expect(await stockOf(SKU)).toEqual({ onHand: stock.onHand, reserved: stock.reserved + 2, available: stock.available - 2 });
    expect(await orderCount()).toBe(1);
  });

  it('OrderDetail resolves an order’s lines, total and history across subgraphs for staff with orders:read', async () => {
    expect(await detail(guestOrder.id)).toEqual({
      id: guestOrder.id,
      number: guestOrder.number,
      status: 'PENDING_PAYMENT',
      createdAt: expect.any(String),
      total: guestOrder.total,
      lines: [{ sku: { code: SKU, product: { name: productName } }, quantity: 2, lineTotal: guestOrder.total }],
      history: [{ status: 'PENDING_PAYMENT', at: expect.any(String), note: null }],
    });
    const anonymous = await system.graphql(ORDER_DETAIL, { id: guestOrder.id });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    // A guest's order is nobody's but staff's to see.
    expect(await detail(guestOrder.id, await system.memberToken('m-contract-stranger'))).toBeNull();
  });

  it('refuses CancelOrder to a guest with UNAUTHENTICATED, and lets staff with orders:write cancel and give the stock back', async () => {
    const stock = await stockOf(SKU);
    const variables = { input: { ...(examples.CancelOrder!.input as object), orderId: guestOrder.id } };

    const anonymous = await system.graphql<{ cancelOrder: OrderPayload }>(CANCEL_ORDER, variables);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.data ?? null).toBeNull();
    expect(anonymous.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    // Staff who may only read orders may not change one.
    const readOnly = await system.graphql<{ cancelOrder: OrderPayload }>(CANCEL_ORDER, variables, reader);
    expect(readOnly.body.data!.cancelOrder).toEqual({ order: null, userErrors: [expect.objectContaining({ code: 'UNKNOWN_ORDER' })] });
    expect((await detail(guestOrder.id))!.status).toBe('PENDING_PAYMENT');
    expect(await stockOf(SKU)).toEqual(stock);

    const cancelled = await system.graphql<{ cancelOrder: OrderPayload }>(CANCEL_ORDER, variables, writer);
    expect(cancelled.body.errors).toBeUndefined();
    expect(cancelled.body.data!.cancelOrder).toEqual({ order: { id: guestOrder.id, status: 'CANCELLED' }, userErrors: [] });
    expect(await stockOf(SKU)).toEqual({ onHand: stock.onHand, reserved: stock.reserved - 2, available: stock.available + 2 });
    expect((await detail(guestOrder.id))!.history).toEqual([
      { status: 'PENDING_PAYMENT', at: expect.any(String), note: null },
      { status: 'CANCELLED', at: expect.any(String), note: 'customer changed mind' },
    ]);
  });

  it('ships a paid order with ShipOrder and takes a return of it with RequestReturn, both with staff tokens', async () => {
    const placed = await place({ input: { ...withoutCoupon.input, idempotencyKey: 'contract-ship-1' } });
    const order = placed.order!;
    const stock = await stockOf(SKU);
    await paymentSucceeded(order.id);
    expect((await detail(order.id))!.status).toBe('PAID');

    const ship = { input: { ...(examples.ShipOrder!.input as object), orderId: order.id } };
    for (const token of [undefined, await system.memberToken('m-contract'), reader]) {
      const refused = await system.graphql(SHIP_ORDER, ship, token);
      expect(refused.status).toBe(403);
      expect(refused.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(refused.body.errors?.[0]?.message).toMatch(/orders:write/);
    }
    expect((await detail(order.id))!.status).toBe('PAID');

    const shipped = await system.graphql<{ shipOrder: OrderPayload }>(SHIP_ORDER, ship, writer);
    expect(shipped.body.errors).toBeUndefined();
    expect(shipped.body.data!.shipOrder).toEqual({ order: { id: order.id, status: 'SHIPPED' }, userErrors: [] });
    // The reservation became a deduction of on-hand stock.
    expect(await stockOf(SKU)).toEqual({ onHand: stock.onHand - 2, reserved: stock.reserved - 2, available: stock.available });

    const returned = await system.graphql<{ requestReturn: OrderPayload }>(
      REQUEST_RETURN,
      { input: { ...(examples.RequestReturn!.input as object), orderId: order.id } },
      writer,
    );
    expect(returned.body.errors).toBeUndefined();
    expect(returned.body.data!.requestReturn).toEqual({ order: { id: order.id, status: 'RETURN_REQUESTED' }, userErrors: [] });
    expect((await detail(order.id))!.history.map((entry) => [entry.status, entry.note])).toEqual([
      ['PENDING_PAYMENT', null],
      ['PAID', expect.stringMatching(/^payment pay-/)],
      ['SHIPPED', 'SF Express SF1234567890'],
      ['RETURN_REQUESTED', 'wrong fitment'],
    ]);
  });

  it('answers the ShipOrder, RequestReturn and CancelOrder examples as they are with UNKNOWN_ORDER', async () => {
    for (const [operation, name] of [
      [SHIP_ORDER, 'ShipOrder'],
      [REQUEST_RETURN, 'RequestReturn'],
      [CANCEL_ORDER, 'CancelOrder'],
    ] as const) {
      const { body } = await system.graphql<Record<string, OrderPayload>>(operation, examples[name], writer);
      expect(body.errors).toBeUndefined();
      expect(Object.values(body.data!)[0]).toEqual({
        order: null,
        userErrors: [{ code: 'UNKNOWN_ORDER', field: 'input.orderId', message: expect.stringContaining('any-order-id') }],
      });
    }
  });

  it('lets a member check out with the example’s key as a checkout of their own, and see it, and no other member', async () => {
    const token = await system.memberToken('m-contract');
    const placed = await place(withoutCoupon, token);
    expect(placed.userErrors).toEqual([]);
    // The idempotencyKey is per caller: the guest's key from the member is a new order.
    expect(placed.order!.id).not.toBe(guestOrder.id);
    expect(placed.order!.status).toBe('PENDING_PAYMENT');

    expect(await detail(placed.order!.id, token)).toMatchObject({ id: placed.order!.id, status: 'PENDING_PAYMENT' });
    expect(await detail(placed.order!.id, await system.memberToken('m-contract-other'))).toBeNull();
    const cancel = await system.graphql<{ cancelOrder: OrderPayload }>(
      CANCEL_ORDER,
      { input: { orderId: placed.order!.id, reason: 'not mine' } },
      await system.memberToken('m-contract-other'),
    );
    expect(cancel.body.data!.cancelOrder).toEqual({ order: null, userErrors: [expect.objectContaining({ code: 'UNKNOWN_ORDER' })] });
    expect((await detail(placed.order!.id))!.status).toBe('PENDING_PAYMENT');
  });

  // MyOrders (it needs the members subgraph's `me`) is exercised in members-contract.spec.ts.
});

describe('the orders contract through the router on MySQL', () => {
  reportSkippedMysql();
});
