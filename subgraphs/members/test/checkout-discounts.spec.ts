import { databaseTargets, reportSkippedMysql, type TestEnvironment, testEnvironment } from '../../../platform/testing/databases.ts';
import { staff } from '../../../platform/testing/subgraph-client.ts';
import { newId } from '../../../platform/values/ids.ts';
import { campaignFor, couponCodes, type LoyaltyHarness, member, startLoyaltyHarness } from './loyalty-fixtures.ts';

const DAY = 86_400_000;
const cny = (amount: string) => ({ amount, currencyCode: 'CNY' });

describe.each(databaseTargets())('checkout discounts on $label', (target) => {
  let env: TestEnvironment;
  let loyalty: LoyaltyHarness;

  beforeAll(async () => {
    env = testEnvironment(target);
    loyalty = await startLoyaltyHarness(env.config);
  });
  afterAll(async () => {
    await loyalty?.close();
    await env?.cleanup();
  });

  /** A member holding `points` points (earned by a paid order) and one coupon of a campaign with `terms`. */
  const customer = async (options: { points?: number; terms?: Record<string, unknown> } = {}) => {
    const memberId = await loyalty.addMember();
    if (options.points) {
      await loyalty.orderEvent('OrderPaid', {
        orderId: newId(),
        memberId,
        totalMinor: options.points * 100,
        previousStatus: 'PENDING_PAYMENT',
      });
    }
    let code: string | null = null;
    if (options.terms) {
      const issued = await loyalty.issue(campaignFor([memberId], options.terms));
      expect(issued).toEqual({ issued: 1, userErrors: [] });
      code = (await couponCodes(loyalty.db, memberId))[0] ?? null;
    }
    return { memberId, code: code! };
  };
  const redeemedBy = async (code: string) =>
    (
      await loyalty.db.execute<{ redeemed_order_id: string | null }>(
        loyalty.db.fork(),
        'select redeemed_order_id from coupon where code = ?',
        [code],
      )
    )[0]?.redeemed_order_id ?? null;

  describe('applyCheckoutDiscounts', () => {
    it('takes a percentage of the subtotal rounded half up, then points, and totals both', async () => {
      const { memberId, code } = await customer({ points: 500, terms: { discountPercent: 10 } });
      const orderId = newId();
      const result = await loyalty.apply({
        orderId,
        memberId,
        couponCode: code.toLowerCase(),
        pointsToRedeem: 300,
        subtotal: cny('123.45'),
      });
      expect(result).toEqual({
        discounts: {
          orderId,
          couponCode: code,
          couponDiscount: cny('12.35'), // 12.345 rounds half up
          pointsRedeemed: 300,
          pointsDiscount: cny('3.00'),
          total: cny('15.35'),
        },
        userErrors: [],
      });
      expect(await redeemedBy(code)).toBe(orderId);
      expect(await loyalty.balance(memberId)).toBe(200);
      await loyalty.expectConsistent(memberId);
    });

    it('takes a fixed amount, never more than the subtotal, and lets points bring the total to zero but not below', async () => {
      const { memberId, code } = await customer({ points: 100, terms: { discountPercent: null, discountAmount: cny('50.00') } });
      const over = await loyalty.apply({ orderId: newId(), memberId, couponCode: code, pointsToRedeem: 1, subtotal: cny('40.00') });
      expect(over.discounts).toBeNull();
      expect(over.userErrors).toEqual([
        { code: 'INVALID_VALUE', field: 'input.pointsToRedeem', message: expect.stringContaining('at most 0 points') },
      ]);
      expect(await redeemedBy(code)).toBeNull();
      const exact = await loyalty.apply({ orderId: newId(), memberId, couponCode: code, pointsToRedeem: 0, subtotal: cny('40.00') });
      expect(exact.discounts).toMatchObject({ couponDiscount: cny('40.00'), total: cny('40.00') });
    });

    it('answers a retry with the same discounts and takes nothing twice; another request for the order is DUPLICATE_REQUEST', async () => {
      const { memberId, code } = await customer({ points: 100, terms: { discountPercent: 5 } });
      const orderId = newId();
      const input = { orderId, memberId, couponCode: code, pointsToRedeem: 40, subtotal: cny('200.00') };
      const results = await Promise.all(Array.from({ length: 5 }, () => loyalty.apply(input)));
      for (const result of results) expect(result).toEqual(results[0]);
      expect(results[0]!.discounts).toMatchObject({ couponDiscount: cny('10.00'), pointsRedeemed: 40 });
      expect(await loyalty.balance(memberId)).toBe(60);
      expect(await loyalty.apply({ ...input, pointsToRedeem: 50 })).toEqual({
        discounts: null,
        userErrors: [{ code: 'DUPLICATE_REQUEST', field: 'input.orderId', message: expect.stringContaining(orderId) }],
      });
      expect(await loyalty.balance(memberId)).toBe(60);
      await loyalty.expectConsistent(memberId);
    });

    it.each<[string, Record<string, unknown>, string]>([
      [
        'not yet valid',
        { validFrom: new Date(Date.now() + DAY).toISOString(), validUntil: new Date(Date.now() + 2 * DAY).toISOString() },
        'valid from',
      ],
      [
        'expired',
        { validFrom: new Date(Date.now() - 2 * DAY).toISOString(), validUntil: new Date(Date.now() - DAY).toISOString() },
        'expired',
      ],
      ['below its minimum spend', { minimumSpend: cny('500.00') }, 'at least 500.00'],
      ['in another currency', { discountPercent: null, discountAmount: { amount: '5.00', currencyCode: 'USD' } }, 'in USD'],
    ])('refuses a coupon %s as INVALID_COUPON and takes nothing', async (_, terms, message) => {
      const { memberId, code } = await customer({ points: 100, terms });
      const result = await loyalty.apply({ orderId: newId(), memberId, couponCode: code, pointsToRedeem: 50, subtotal: cny('100.00') });
      expect(result).toEqual({
        discounts: null,
        userErrors: [{ code: 'INVALID_COUPON', field: 'input.couponCode', message: expect.stringContaining(message) }],
      });
      expect(await redeemedBy(code)).toBeNull();
      expect(await loyalty.balance(memberId)).toBe(100);
    });

    it('treats another member’s coupon and an unknown code alike, as INVALID_COUPON', async () => {
      const owner = await customer({ terms: {} });
      const other = await customer();
      const theirs = await loyalty.apply({ orderId: newId(), memberId: other.memberId, couponCode: owner.code, subtotal: cny('100.00') });
      const unknown = await loyalty.apply({
        orderId: newId(),
        memberId: other.memberId,
        couponCode: 'NOSUCHCODE',
        subtotal: cny('100.00'),
      });
      expect(theirs.userErrors[0]).toMatchObject({ code: 'INVALID_COUPON' });
      expect(unknown.userErrors[0]).toMatchObject({ code: 'INVALID_COUPON' });
      expect(theirs.userErrors[0]!.message.replace(owner.code, 'X')).toBe(unknown.userErrors[0]!.message.replace('NOSUCHCODE', 'X'));
      expect(await redeemedBy(owner.code)).toBeNull();
    });

    it('takes nothing when the points fall short, though the coupon was good, and says so', async () => {
      const { memberId, code } = await customer({ points: 10, terms: {} });
      const result = await loyalty.apply({ orderId: newId(), memberId, couponCode: code, pointsToRedeem: 11, subtotal: cny('100.00') });
      expect(result).toEqual({
        discounts: null,
        userErrors: [{ code: 'INSUFFICIENT_POINTS', field: 'input.pointsToRedeem', message: 'you have 10 points; this order asks for 11' }],
      });
      expect(await redeemedBy(code)).toBeNull();
      expect(await loyalty.balance(memberId)).toBe(10);
    });

    it('refuses coupons and points to a guest, and points on an order in another currency', async () => {
      expect(
        (await loyalty.apply({ orderId: newId(), memberId: null, couponCode: 'ANY', pointsToRedeem: 5, subtotal: cny('10.00') }))
          .userErrors,
      ).toEqual([
        expect.objectContaining({ code: 'INVALID_COUPON', field: 'input.couponCode' }),
        expect.objectContaining({ code: 'INSUFFICIENT_POINTS', field: 'input.pointsToRedeem' }),
      ]);
      const { memberId } = await customer({ points: 100 });
      const usd = await loyalty.apply({
        orderId: newId(),
        memberId,
        pointsToRedeem: 5,
        subtotal: { amount: '10.00', currencyCode: 'USD' },
      });
      expect(usd.userErrors).toEqual([expect.objectContaining({ code: 'INVALID_VALUE', field: 'input.pointsToRedeem' })]);
    });

    it('is for the orders service only: people get FORBIDDEN, whatever scopes they hold', async () => {
      const { memberId } = await customer({ points: 100 });
      const input = { orderId: newId(), memberId, pointsToRedeem: 5, subtotal: cny('10.00') };
      for (const identity of [member(memberId), staff('members:write', 'members:read', 'members:pii'), staff('members:checkout')]) {
        await expect(loyalty.apply(input, identity)).rejects.toThrow(/FORBIDDEN/);
      }
      expect(await loyalty.balance(memberId)).toBe(100);
    });
  });

  describe('under concurrency', () => {
    it('lets one of several checkouts redeeming the same coupon have it', async () => {
      const { memberId, code } = await customer({ terms: { discountPercent: 20 } });
      const results = await Promise.all(
        Array.from({ length: 8 }, () => loyalty.apply({ orderId: newId(), memberId, couponCode: code, subtotal: cny('100.00') })),
      );
      const won = results.filter((result) => result.discounts);
      expect(won).toHaveLength(1);
      for (const result of results.filter((r) => !r.discounts)) expect(result.userErrors[0]).toMatchObject({ code: 'INVALID_COUPON' });
      expect(await redeemedBy(code)).toBe(won[0]!.discounts!.orderId);
    });

    it('lets one of several checkouts redeeming the last points have them, and keeps the ledger whole', async () => {
      const { memberId } = await customer({ points: 100 });
      const results = await Promise.all(
        Array.from({ length: 8 }, () => loyalty.apply({ orderId: newId(), memberId, pointsToRedeem: 100, subtotal: cny('100.00') })),
      );
      expect(results.filter((result) => result.discounts)).toHaveLength(1);
      expect(results.filter((result) => result.userErrors[0]?.code === 'INSUFFICIENT_POINTS')).toHaveLength(7);
      expect(await loyalty.balance(memberId)).toBe(0);
      await loyalty.expectConsistent(memberId);
    });

    it('keeps balance = ledger sum >= 0 through a mix of concurrent redemptions, releases, earnings and refunds', async () => {
      const { memberId } = await customer({ points: 300 });
      const paidOrder = newId();
      await loyalty.orderEvent('OrderPaid', { orderId: paidOrder, memberId, totalMinor: 200_00 });
      const orders = Array.from({ length: 12 }, () => newId());
      await Promise.all([
        ...orders.map(async (orderId, i) => {
          const applied = await loyalty.apply({ orderId, memberId, pointsToRedeem: 70, subtotal: cny('100.00') });
          if (applied.discounts && i % 2 === 0) await loyalty.release(orderId);
        }),
        loyalty.orderEvent('OrderPaid', { orderId: newId(), memberId, totalMinor: 50_00 }),
        loyalty.refund({ refundId: `mix-${paidOrder}`, orderId: paidOrder, minor: 200_00, full: true }),
        loyalty.orderEvent('OrderCancelled', { orderId: orders[1]!, memberId, previousStatus: 'PENDING_PAYMENT' }),
      ]);
      await loyalty.expectConsistent(memberId);
    });
  });

  describe('releasing', () => {
    it('gives the coupon and points back once, and lets the same order apply them again afterwards', async () => {
      const { memberId, code } = await customer({ points: 100, terms: {} });
      const orderId = newId();
      const input = { orderId, memberId, couponCode: code, pointsToRedeem: 60, subtotal: cny('100.00') };
      expect((await loyalty.apply(input)).userErrors).toEqual([]);
      expect(await loyalty.release(orderId)).toEqual({ released: true, userErrors: [] });
      expect(await loyalty.release(orderId)).toEqual({ released: false, userErrors: [] });
      expect(await redeemedBy(code)).toBeNull();
      expect(await loyalty.balance(memberId)).toBe(100);
      expect((await loyalty.ledger(memberId)).map((entry) => entry.reason)).toEqual(['EARNED', 'REDEEMED', 'RESTORED']);
      // The order was never written: a retry of its checkout may apply them again.
      expect((await loyalty.apply(input)).discounts).toMatchObject({ couponCode: code, pointsRedeemed: 60 });
      expect(await redeemedBy(code)).toBe(orderId);
      await loyalty.expectConsistent(memberId);
    });

    it('gives an unpaid cancelled order’s coupon and points back on OrderCancelled, however often it arrives', async () => {
      const { memberId, code } = await customer({ points: 100, terms: {} });
      const orderId = newId();
      await loyalty.apply({ orderId, memberId, couponCode: code, pointsToRedeem: 100, subtotal: cny('300.00') });
      for (let i = 0; i < 2; i++) {
        await loyalty.orderEvent('OrderCancelled', { orderId, memberId, totalMinor: 170_00, previousStatus: 'PENDING_PAYMENT' });
      }
      expect(await redeemedBy(code)).toBeNull();
      expect(await loyalty.balance(memberId)).toBe(100);
      expect((await loyalty.coupons(memberId))[0]).toMatchObject({ code, redeemed: false });
    });

    it('keeps the coupon of a paid order used when it is cancelled, and refuses to release a paid order’s discounts', async () => {
      const { memberId, code } = await customer({ terms: {} });
      const orderId = newId();
      await loyalty.apply({ orderId, memberId, couponCode: code, subtotal: cny('300.00') });
      await loyalty.orderEvent('OrderPaid', { orderId, memberId, totalMinor: 270_00, previousStatus: 'PENDING_PAYMENT' });
      expect((await loyalty.release(orderId)).userErrors).toEqual([
        expect.objectContaining({ code: 'INVALID_VALUE', field: 'input.orderId' }),
      ]);
      await loyalty.orderEvent('OrderCancelled', { orderId, memberId, totalMinor: 270_00, previousStatus: 'PAID' });
      expect(await redeemedBy(code)).toBe(orderId);
      expect(await loyalty.balance(memberId)).toBe(0);
    });
  });
});

describe('checkout discounts on MySQL', () => {
  reportSkippedMysql();
});
