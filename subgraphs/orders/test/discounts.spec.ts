import type { Identity } from '../../../platform/auth/identity.ts';
import { databaseTargets, reportSkippedMysql, type TestEnvironment, testEnvironment } from '../../../platform/testing/databases.ts';
import { eventually } from '../../../platform/testing/eventually.ts';
import { staff } from '../../../platform/testing/subgraph-client.ts';
import { OrderEntity } from '../entities/order.entity.ts';
import { address, member, type OrdersSystem, paymentSucceeded, startOrdersSystem, type UserError } from './fixtures.ts';

/**
 * Checkout with a member's coupon and points: orders asks the real members
 * subgraph to take them (members decides; see members/test for its rules),
 * stores what was taken and releases stock when members refuses.
 */
type DiscountedOrder = {
  id: string;
  status: string;
  subtotal: { amount: string };
  discount: { amount: string; currencyCode: string };
  total: { amount: string };
  couponCode: string | null;
  pointsRedeemed: number;
};
const FIELDS = 'id status subtotal { amount } discount { amount currencyCode } total { amount } couponCode pointsRedeemed';

let memberCount = 0;

describe.each(databaseTargets())('checkout with coupons and points on $label', (target) => {
  let env: TestEnvironment;
  let system: OrdersSystem;

  beforeAll(async () => {
    env = testEnvironment(target);
    system = await startOrdersSystem(env.config, { members: true });
    await system.stockUp([{ code: 'DC-PADS', price: '100.00', quantity: 200 }]);
  });
  afterAll(async () => {
    await system?.close();
    await env?.cleanup();
  });

  const place = async (input: Record<string, unknown>, identity: Identity) => {
    const result = await system.orders.request<{ placeOrder: { order: DiscountedOrder | null; userErrors: UserError[] } }>(
      `mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { order { ${FIELDS} } userErrors { code field message } } }`,
      { input: { channel: 'ONLINE', shippingAddress: address, lines: [{ skuCode: 'DC-PADS', quantity: 1 }], ...input } },
      identity,
    );
    if (result.errors) throw new Error(JSON.stringify(result.errors));
    return result.data!.placeOrder;
  };
  const loyaltyOf = async (memberId: string) => {
    const result = await system.members!.request<{ _entities: { points: number; coupons: { code: string; redeemed: boolean }[] }[] }>(
      'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Member { points coupons { code redeemed } } } }',
      { r: [{ __typename: 'Member', id: memberId }] },
      member(memberId),
    );
    if (result.errors) throw new Error(JSON.stringify(result.errors));
    return result.data!._entities[0]!;
  };
  /** A registered member who earned `points` by paying for orders, holding one coupon of `terms`. */
  const customer = async (points: number, terms: Record<string, unknown> = { discountPercent: 10 }) => {
    const registered = await system.members!.request<{ registerMember: { member: { id: string } } }>(
      'mutation ($input: RegisterMemberInput!) { registerMember(input: $input) { member { id } } }',
      {
        input: {
          name: 'Discount Shopper',
          email: `shopper-${++memberCount}-${Date.now()}@example.com`,
          password: 'correct horse battery staple',
        },
      },
    );
    const memberId = registered.data!.registerMember.member.id;
    const identity = member(memberId);
    for (let i = 0; i < points / 100; i++) {
      const paid = await place({ idempotencyKey: `earn-${memberId}-${i}` }, identity);
      await system.bus.publish([paymentSucceeded(paid.order!.id)]);
    }
    await eventually(async () => (await loyaltyOf(memberId)).points === points, `member ${memberId} has ${points} points`, {
      timeoutMs: 10_000,
    });
    const now = Date.now();
    const issued = await system.members!.request<{ issueCoupons: { issued: number } }>(
      'mutation ($input: IssueCouponsInput!) { issueCoupons(input: $input) { issued } }',
      {
        input: {
          campaign: `Orders test ${memberId}`,
          memberIds: [memberId],
          validFrom: new Date(now - 86_400_000).toISOString(),
          validUntil: new Date(now + 86_400_000).toISOString(),
          ...terms,
        },
      },
      staff('members:write'),
    );
    expect(issued.data!.issueCoupons.issued).toBe(1);
    const { coupons } = await loyaltyOf(memberId);
    return { memberId, identity, code: coupons[0]!.code };
  };
  const orderRow = (id: string) => system.orders.server.db.fork().findOne(OrderEntity, { id });

  it('takes the coupon, then the points, off the subtotal and stores what it took', async () => {
    const { memberId, identity, code } = await customer(100);
    const before = await system.level('DC-PADS');
    const placed = await place(
      { idempotencyKey: 'discounted-1', couponCode: code, pointsToRedeem: 50, lines: [{ skuCode: 'DC-PADS', quantity: 2 }] },
      identity,
    );
    expect(placed.userErrors).toEqual([]);
    expect(placed.order).toMatchObject({
      status: 'PENDING_PAYMENT',
      subtotal: { amount: '200.00' },
      discount: { amount: '20.50', currencyCode: 'CNY' },
      total: { amount: '179.50' },
      couponCode: code,
      pointsRedeemed: 50,
    });
    expect(await loyaltyOf(memberId)).toEqual({ points: 50, coupons: [{ code, redeemed: true }] });
    expect((await system.level('DC-PADS')).reserved).toBe(before.reserved + 2);

    // A retry with the same key is the same order and takes nothing again.
    const retry = await place(
      { idempotencyKey: 'discounted-1', couponCode: code, pointsToRedeem: 50, lines: [{ skuCode: 'DC-PADS', quantity: 2 }] },
      identity,
    );
    expect(retry.order?.id).toBe(placed.order!.id);
    expect((await loyaltyOf(memberId)).points).toBe(50);
    // The same key with other points is another order.
    const reused = await place(
      { idempotencyKey: 'discounted-1', couponCode: code, pointsToRedeem: 10, lines: [{ skuCode: 'DC-PADS', quantity: 2 }] },
      identity,
    );
    expect(reused.userErrors[0]).toMatchObject({ code: 'DUPLICATE_REQUEST' });
  });

  it('refuses with members’ own error and leaves no stock reserved', async () => {
    const { identity, code } = await customer(100, { discountPercent: 10, minimumSpend: { amount: '500.00', currencyCode: 'CNY' } });
    const before = await system.level('DC-PADS');
    const cases: [Record<string, unknown>, Partial<UserError>][] = [
      [{ couponCode: code }, { code: 'INVALID_COUPON', field: 'input.couponCode', message: expect.stringContaining('500.00') }],
      [{ couponCode: 'NOSUCHCOUPON' }, { code: 'INVALID_COUPON', field: 'input.couponCode' }],
      [{ pointsToRedeem: 101 }, { code: 'INSUFFICIENT_POINTS', field: 'input.pointsToRedeem' }],
      [
        { pointsToRedeem: 10_001 },
        { code: 'INVALID_VALUE', field: 'input.pointsToRedeem', message: expect.stringContaining('at most 10000') },
      ],
    ];
    for (const [i, [input, expected]] of cases.entries()) {
      const result = await place({ idempotencyKey: `refused-${code}-${i}`, ...input }, identity);
      expect(result.order).toBeNull();
      expect(result.userErrors).toContainEqual(expect.objectContaining(expected));
    }
    expect(await system.level('DC-PADS')).toEqual(before);
  });

  it('lets one of three checkouts with the member’s last points through; the others get INSUFFICIENT_POINTS and release their stock', async () => {
    const { memberId, identity } = await customer(100);
    const before = await system.level('DC-PADS');
    const results = await Promise.all(
      ['last-a', 'last-b', 'last-c'].map((key) => place({ idempotencyKey: `${key}-${memberId}`, pointsToRedeem: 100 }, identity)),
    );
    const placed = results.filter((result) => result.order);
    expect(placed).toHaveLength(1);
    expect(results.filter((result) => result.userErrors[0]?.code === 'INSUFFICIENT_POINTS')).toHaveLength(2);
    expect((await system.level('DC-PADS')).reserved).toBe(before.reserved + 1);
    expect((await loyaltyOf(memberId)).points).toBe(0);
  });

  it('gives an unpaid order’s coupon and points back when it is cancelled', async () => {
    const { memberId, identity, code } = await customer(100);
    const placed = await place({ idempotencyKey: `cancel-${memberId}`, couponCode: code, pointsToRedeem: 100 }, identity);
    expect(placed.userErrors).toEqual([]);
    expect(await loyaltyOf(memberId)).toEqual({ points: 0, coupons: [{ code, redeemed: true }] });
    const cancelled = await system.mutate('cancelOrder', { orderId: placed.order!.id, reason: 'changed my mind' }, identity);
    expect(cancelled.order?.status).toBe('CANCELLED');
    await eventually(async () => (await loyaltyOf(memberId)).points === 100, 'the points are back', { timeoutMs: 10_000 });
    expect(await loyaltyOf(memberId)).toEqual({ points: 100, coupons: [{ code, redeemed: false }] });
    // The coupon is good again.
    const again = await place({ idempotencyKey: `cancel-again-${memberId}`, couponCode: code }, identity);
    expect(again.order?.couponCode).toBe(code);
  });

  it('earns points on what was paid, after the discount', async () => {
    const { memberId, identity, code } = await customer(0, {
      discountPercent: null,
      discountAmount: { amount: '40.00', currencyCode: 'CNY' },
    });
    const placed = await place({ idempotencyKey: `earn-after-${memberId}`, couponCode: code }, identity);
    expect(placed.order?.total.amount).toBe('60.00');
    expect((await orderRow(placed.order!.id))?.totalMinor).toBe(60_00);
    await system.bus.publish([paymentSucceeded(placed.order!.id)]);
    await eventually(async () => (await loyaltyOf(memberId)).points === 60, 'the paid order earned 60 points', { timeoutMs: 10_000 });
  });
});

describe.each(databaseTargets())('checkout with points while members is down on $label', (target) => {
  let env: TestEnvironment;
  let system: OrdersSystem;

  beforeAll(async () => {
    env = testEnvironment(target);
    system = await startOrdersSystem(env.config); // no members subgraph: it does not answer
    await system.stockUp([{ code: 'DC-DOWN', price: '10.00', quantity: 5 }]);
  });
  afterAll(async () => {
    await system?.close();
    await env?.cleanup();
  });

  it('answers SERVICE_UNAVAILABLE, places no order and leaves no stock reserved', async () => {
    const before = await system.level('DC-DOWN');
    const result = await system.place(
      {
        idempotencyKey: 'members-down',
        channel: 'ONLINE',
        shippingAddress: address,
        lines: [{ skuCode: 'DC-DOWN', quantity: 1 }],
        pointsToRedeem: 10,
      },
      member('m-down'),
    );
    expect(result).toEqual({
      order: null,
      userErrors: [expect.objectContaining({ code: 'SERVICE_UNAVAILABLE', message: expect.stringContaining('members') })],
    });
    expect(await system.level('DC-DOWN')).toEqual(before);
    expect(await system.orders.server.db.fork().count(OrderEntity, {})).toBe(0);
  });
});

describe('checkout with coupons and points on MySQL', () => {
  reportSkippedMysql();
});
