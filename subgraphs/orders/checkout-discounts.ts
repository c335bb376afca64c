import type { UserError } from '../../platform/graphql/user-errors.ts';
import { PeerUnavailable } from '../../platform/http/service-client.ts';
import { moneyView, parseMoney } from '../../platform/values/money.ts';
import type { OrderErrorCode } from './checkout.ts';
import type { OrdersContext } from './context.ts';
import { applyCheckoutDiscounts, releaseCheckoutDiscounts } from './peers.ts';

/**
 * Checkout's discount step and its compensation. Coupons and points are the
 * members subgraph's: it takes the coupon, then the points, all or nothing,
 * once per order id (checkout-discounts.ts there), and decides races for the
 * same coupon or the last points. Checkout asks after stock is reserved and
 * before the order is written, so a refusal or an outage here releases the
 * reservation, and a failure to write the order gives the discounts back.
 */
export type AppliedDiscounts = { discountMinor: number; couponCode: string | null; pointsRedeemed: number };

export type DiscountOutcome =
  | { ok: true; applied: AppliedDiscounts }
  /** `keepStock`: the reservation is another checkout's with the same key (DUPLICATE_REQUEST); it must stay. */
  | { ok: false; userErrors: UserError<OrderErrorCode>[]; keepStock: boolean };

export const NO_DISCOUNTS: AppliedDiscounts = { discountMinor: 0, couponCode: null, pointsRedeemed: 0 };

/** Members' codes as the order's: the same names, and the field of placeOrder's input they are about. */
const ORDER_CODES: Record<string, OrderErrorCode> = {
  INVALID_COUPON: 'INVALID_COUPON',
  INSUFFICIENT_POINTS: 'INSUFFICIENT_POINTS',
  INVALID_VALUE: 'INVALID_VALUE',
  DUPLICATE_REQUEST: 'DUPLICATE_REQUEST',
};

export async function applyDiscounts(
  ctx: OrdersContext,
  request: {
    orderId: string;
    memberId: string | null;
    couponCode: string | null;
    pointsToRedeem: number;
    subtotalMinor: number;
    currency: string;
  },
): Promise<DiscountOutcome> {
  if (!request.couponCode && request.pointsToRedeem === 0) return { ok: true, applied: NO_DISCOUNTS };
  let answer: Awaited<ReturnType<typeof applyCheckoutDiscounts>>;
  try {
    answer = await applyCheckoutDiscounts(ctx, {
      orderId: request.orderId,
      memberId: request.memberId,
      couponCode: request.couponCode,
      pointsToRedeem: request.pointsToRedeem,
      subtotal: moneyView(request.subtotalMinor, request.currency),
    });
  } catch (error) {
    if (!(error instanceof PeerUnavailable)) throw error;
    // Members may have applied them with its answer lost: give them back, best effort (the sweeper there does it otherwise).
    await giveDiscountsBack(ctx, request.orderId);
    const message = `the members service did not answer (${error.message}); no order was placed, no stock reserved and no coupon or points used. Retry with the same idempotencyKey.`;
    return { ok: false, keepStock: false, userErrors: [{ code: 'SERVICE_UNAVAILABLE', field: null, message }] };
  }
  if (!answer.discounts) {
    const userErrors = answer.userErrors.map((error) => ({
      code: ORDER_CODES[error.code] ?? 'INVALID_VALUE',
      field: error.code === 'DUPLICATE_REQUEST' ? 'input.idempotencyKey' : error.field,
      message: error.code === 'DUPLICATE_REQUEST' ? `idempotencyKey was used for a different order: ${error.message}` : error.message,
    }));
    return { ok: false, keepStock: userErrors.some((error) => error.code === 'DUPLICATE_REQUEST'), userErrors };
  }
  const total = parseMoney({ amount: answer.discounts.total.amount, currencyCode: request.currency });
  if (!total.ok) throw new Error(`members answered a discount orders cannot read: ${total.message}`);
  return {
    ok: true,
    applied: {
      discountMinor: total.money.minor,
      couponCode: answer.discounts.couponCode,
      pointsRedeemed: answer.discounts.pointsRedeemed,
    },
  };
}

/** The compensation: the order was not written, so its coupon and points go back (members does this once). */
export async function giveDiscountsBack(ctx: OrdersContext, orderId: string): Promise<void> {
  try {
    const answer = await releaseCheckoutDiscounts(ctx, orderId);
    if (answer.userErrors.length) ctx.log.warn(`members kept the discounts of ${orderId}: ${answer.userErrors[0]!.message}`);
  } catch (error) {
    ctx.log.warn(`members could not give back the discounts of ${orderId} now (its sweeper will): ${(error as Error).message}`);
  }
}
