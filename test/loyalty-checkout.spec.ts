import { loadSecrets } from '../platform/auth/secrets.ts';
import { eventRecorder } from '../platform/events/outbox.ts';
import { createServiceClient } from '../platform/http/service-client.ts';
import type { Logger } from '../platform/observability/log.ts';
import { databaseTargets, reportSkippedMysql } from '../platform/testing/databases.ts';
import { eventually } from '../platform/testing/eventually.ts';
import { newId } from '../platform/values/ids.ts';
import { sweepLoyalty } from '../subgraphs/members/loyalty/sweep.ts';
import { myLoyalty, paidOrders, paymentSucceeded, placeOrder, registeredMember, stockedSkus } from './support/shop.ts';
import { startTestSystem, type TestSystem } from './support/system.ts';

/**
 * Coupons and points at checkout, end to end: members take them through the
 * router's placeOrder, racing each other for the same coupon or the last
 * points, and cancel unpaid orders. The invariants: a coupon is redeemed by
 * one order at most, points are never spent twice, a refused checkout keeps
 * no stock, and a member's balance is the sum of their ledger and never
 * negative.
 */
const SKU = 'LY-PADS';
const quiet: Logger = { info: () => {}, warn: () => {}, error: () => {} };

describe.each(databaseTargets())('coupons and points at checkout through the router on $label', (target) => {
  let system: TestSystem;
  let staffToken: string;

  beforeAll(async () => {
    // Stock's sweeper looks for expired reservations often, so an abandoned checkout's expires within the test.
    system = await startTestSystem(target, { RESERVATION_SWEEP_INTERVAL_MS: '200' });
    staffToken = await system.staffToken(['members:write', 'stock:read']);
    await stockedSkus(system, [{ code: SKU, price: '100.00', quantity: 500 }]);
  });
  afterAll(async () => {
    await system?.close();
  });

  const subgraph = (name: string) => system.system.subgraphs.find((server) => server.name === name)!;
  const reserved = async () => {
    const { body } = await system.graphql<{ stockLevels: { reserved: number }[] }>(
      'query ($codes: [String!]!) { stockLevels(skuCodes: $codes) { reserved } }',
      { codes: [SKU] },
      staffToken,
    );
    return body.data!.stockLevels.reduce((sum, level) => sum + level.reserved, 0);
  };
  /** A member with `orders` paid orders of 100.00 CNY (100 points each) and one 10%-off coupon. */
  const shopper = async (orders: number) => {
    const member = await registeredMember(system, { name: 'Racing Shopper', email: `racer-${newId()}@example.com` });
    await paidOrders(system, member, SKU, orders);
    const now = Date.now();
    const issued = await system.graphql<{ issueCoupons: { issued: number } }>(
      'mutation ($input: IssueCouponsInput!) { issueCoupons(input: $input) { issued userErrors { message } } }',
      {
        input: {
          campaign: `Race ${member.id}`,
          memberIds: [member.id],
          discountPercent: 10,
          validFrom: new Date(now - 86_400_000).toISOString(),
          validUntil: new Date(now + 86_400_000).toISOString(),
        },
      },
      staffToken,
    );
    expect(issued.body.data!.issueCoupons.issued).toBe(1);
    const { coupons } = await myLoyalty(system, member.token);
    return { ...member, code: coupons[0]!.code };
  };
  /** balance == sum of the ledger == what the lots hold, and never negative; read from the members database. */
  const expectLedgerWhole = async (memberId: string) => {
    const db = subgraph('members').db;
    const [row] = await db.execute<{ balance: unknown; ledger: unknown; lots: unknown }>(
      db.fork(),
      `select (select balance from points_account where member_id = ?) as balance,
              (select coalesce(sum(delta), 0) from points_entry where member_id = ?) as ledger,
              (select coalesce(sum(remaining), 0) from points_entry where member_id = ?) as lots`,
      [memberId, memberId, memberId],
    );
    const balance = Number(row!.balance ?? 0);
    expect(balance).toBeGreaterThanOrEqual(0);
    expect(Number(row!.ledger)).toBe(balance);
    expect(Number(row!.lots)).toBe(balance);
    return balance;
  };

  it('lets one of several concurrent checkouts redeem the same coupon; the others get INVALID_COUPON and keep no stock', async () => {
    const member = await shopper(0);
    const before = await reserved();
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        placeOrder(system, member.token, {
          idempotencyKey: `coupon-race-${i}`,
          lines: [{ skuCode: SKU, quantity: 2 }],
          couponCode: member.code,
        }),
      ),
    );
    const placed = results.filter((result) => result.order);
    expect(placed).toHaveLength(1);
    expect(placed[0]!.order).toMatchObject({ couponCode: member.code, discount: { amount: '20.00' }, total: { amount: '180.00' } });
    for (const result of results.filter((r) => !r.order)) {
      expect(result.userErrors).toEqual([expect.objectContaining({ code: 'INVALID_COUPON', field: 'input.couponCode' })]);
    }
    expect(await reserved()).toBe(before + 2);
    expect((await myLoyalty(system, member.token)).coupons).toEqual([expect.objectContaining({ code: member.code, redeemed: true })]);
  });

  it('lets one of several concurrent checkouts redeem the member’s last points', async () => {
    const member = await shopper(2);
    const before = await reserved();
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        placeOrder(system, member.token, {
          idempotencyKey: `points-race-${i}`,
          lines: [{ skuCode: SKU, quantity: 1 }],
          pointsToRedeem: 200,
        }),
      ),
    );
    expect(results.filter((result) => result.order)).toHaveLength(1);
    expect(results.filter((result) => result.userErrors[0]?.code === 'INSUFFICIENT_POINTS')).toHaveLength(4);
    expect(await reserved()).toBe(before + 1);
    expect(await expectLedgerWhole(member.id)).toBe(0);
  });

  it('keeps the balance the ledger’s sum, never negative, through racing checkouts, cancellations and payments', async () => {
    const member = await shopper(3);
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        placeOrder(system, member.token, { idempotencyKey: `mix-${i}`, lines: [{ skuCode: SKU, quantity: 1 }], pointsToRedeem: 70 + i }),
      ),
    );
    const placed = results.flatMap((result) => (result.order ? [result.order] : []));
    expect(placed.length).toBeGreaterThanOrEqual(1);
    expect(placed.reduce((sum, order) => sum + order.pointsRedeemed, 0)).toBeLessThanOrEqual(300);
    await Promise.all(
      placed.map((order, i) =>
        i % 2 === 0
          ? system.graphql(
              'mutation ($input: CancelOrderInput!) { cancelOrder(input: $input) { order { status } } }',
              { input: { orderId: order.id, reason: 'racing' } },
              member.token,
            )
          : paymentSucceeded(system, order.id),
      ),
    );
    const redeemedStill = placed.filter((_, i) => i % 2 === 1).reduce((sum, order) => sum + order.pointsRedeemed, 0);
    const earned = placed.filter((_, i) => i % 2 === 1).reduce((sum, order) => sum + Math.floor(Number(order.total.amount)), 0);
    await eventually(
      async () => (await myLoyalty(system, member.token)).points === 300 - redeemedStill + earned,
      'every event was handled',
      { timeoutMs: 15_000 },
    );
    await expectLedgerWhole(member.id);
  });

  it('gives a cancelled unpaid order’s coupon and points back', async () => {
    const member = await shopper(1);
    const placed = await placeOrder(system, member.token, {
      idempotencyKey: 'to-cancel',
      lines: [{ skuCode: SKU, quantity: 1 }],
      couponCode: member.code,
      pointsToRedeem: 100,
    });
    expect(placed.order).toMatchObject({ discount: { amount: '11.00' }, total: { amount: '89.00' }, pointsRedeemed: 100 });
    expect(await myLoyalty(system, member.token)).toMatchObject({ points: 0, coupons: [{ code: member.code, redeemed: true }] });

    const cancelled = await system.graphql<{ cancelOrder: { order: { status: string } } }>(
      'mutation ($input: CancelOrderInput!) { cancelOrder(input: $input) { order { status } } }',
      { input: { orderId: placed.order!.id, reason: 'changed my mind' } },
      member.token,
    );
    expect(cancelled.body.data!.cancelOrder.order.status).toBe('CANCELLED');
    await eventually(async () => (await myLoyalty(system, member.token)).points === 100, 'the points came back', { timeoutMs: 15_000 });
    expect((await myLoyalty(system, member.token)).coupons).toEqual([expect.objectContaining({ code: member.code, redeemed: false })]);
    await expectLedgerWhole(member.id);
  });

  /** Calls as the orders service does: what a checkout that crashed before writing its order leaves behind. */
  const crashedCheckout = async (member: { id: string; code: string }, reserveForSeconds: number | null) => {
    const asOrders = createServiceClient({
      caller: 'orders',
      scopes: ['stock:write', 'members:checkout'],
      secret: loadSecrets(system.config).internalAuthSecret,
      urls: system.system.subgraphUrls,
    });
    const orderId = newId();
    if (reserveForSeconds !== null) {
      await asOrders.query('stock', 'mutation ($input: ReserveStockInput!) { reserveStock(input: $input) { reservation { reference } } }', {
        input: { reference: orderId, lines: [{ skuCode: SKU, quantity: 1 }], ttlSeconds: reserveForSeconds },
      });
    }
    const applied = await asOrders.query<{ applyCheckoutDiscounts: { discounts: unknown } }>(
      'members',
      'mutation ($input: ApplyCheckoutDiscountsInput!) { applyCheckoutDiscounts(input: $input) { discounts { orderId } } }',
      {
        input: {
          orderId,
          memberId: member.id,
          couponCode: member.code,
          pointsToRedeem: 100,
          subtotal: { amount: '100.00', currencyCode: 'CNY' },
        },
      },
    );
    expect(applied.applyCheckoutDiscounts.discounts).toEqual({ orderId });
    return orderId;
  };

  it('gives back the discounts of a checkout that never wrote its order when its stock reservation expires', async () => {
    const member = await shopper(1);
    await crashedCheckout(member, 1);
    expect(await myLoyalty(system, member.token)).toMatchObject({ points: 0, coupons: [{ redeemed: true }] });
    // Stock's sweeper expires the reservation and announces it; members gives the coupon and points back.
    await eventually(async () => (await myLoyalty(system, member.token)).points === 100, 'the points came back', { timeoutMs: 20_000 });
    expect((await myLoyalty(system, member.token)).coupons).toEqual([expect.objectContaining({ code: member.code, redeemed: false })]);
    await expectLedgerWhole(member.id);
  });

  it('gives them back a day later when no reservation expiry came, but not sooner', async () => {
    const member = await shopper(1);
    await crashedCheckout(member, null);
    const deps = { db: subgraph('members').db, events: eventRecorder('members'), config: system.config, log: quiet };
    await sweepLoyalty(deps, new Date(Date.now() + 3_600_000));
    expect(await myLoyalty(system, member.token)).toMatchObject({ points: 0, coupons: [{ redeemed: true }] });
    await sweepLoyalty(deps, new Date(Date.now() + 25 * 3_600_000));
    expect(await myLoyalty(system, member.token)).toMatchObject({ points: 100, coupons: [{ code: member.code, redeemed: false }] });
    await expectLedgerWhole(member.id);
  });
});

describe('coupons and points at checkout through the router on MySQL', () => {
  reportSkippedMysql();
});
