import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '../../../platform/db/database.ts';
import { transactWithRetry } from '../../../platform/db/raw-sql.ts';
import { forbidden } from '../../../platform/graphql/errors.ts';
import type { UserError } from '../../../platform/graphql/user-errors.ts';
import { UserErrors } from '../../../platform/graphql/user-errors.ts';
import { checkInteger, checkText } from '../../../platform/graphql/validation.ts';
import { formatMinor, type Money, moneyView, parseMoney } from '../../../platform/values/money.ts';
import type { MembersContext } from '../context.ts';
import { type CheckoutDiscountStatus, CouponCampaignEntity, CouponEntity } from '../entities/loyalty.entity.ts';
import * as checkoutDiscountRepository from './checkout-discount-repository.ts';
import * as couponRepository from './coupon-repository.ts';
import { checkCouponCode, couponDiscount } from './coupons.ts';
import * as orderLoyaltyRepository from './order-loyalty-repository.ts';
import { redeemPoints, restorePoints } from './points.ts';
import * as pointsRepository from './points-repository.ts';
import type { LoyaltyDeps, LoyaltyErrorCode } from './support.ts';
import { LOYALTY_CURRENCY } from './tiers.ts';

/*
 * The members half of checkout (the orders subgraph calls it with its
 * service identity, after stock is reserved and before the order is written):
 *
 * - applyCheckoutDiscounts takes the coupon first, then points, in one
 *   transaction: all of it or nothing. The coupon takes its percentage of
 *   the subtotal (rounded half up to the minor unit) or its fixed amount,
 *   never more than the subtotal. Points are worth one minor unit each
 *   (100 points = 1.00 CNY) and only on CNY orders; asking for more than the
 *   total left after the coupon is INVALID_VALUE, not silently reduced, so
 *   the customer is never charged other than they were shown.
 * - It is idempotent by order id: the order's row here is claimed first (its
 *   primary key), so a retry or a racing duplicate gets the same answer and
 *   nothing is taken twice; another request for the same order id is
 *   DUPLICATE_REQUEST.
 * - The coupon is taken by `update coupon set redeemed_order_id = ? where
 *   id = ? and redeemed_order_id is null`, the points by a conditional
 *   update of the balance (points.ts): of two checkouts racing for one
 *   coupon or the last points, one wins and the other is refused.
 * - releaseCheckoutDiscounts gives both back (RELEASED), once: when the
 *   order could not be written, and on OrderCancelled before payment (the
 *   consumer, so it happens even when orders cannot call). After payment a
 *   cancellation gives back the points only (POINTS_RESTORED); the coupon
 *   stays used.
 * - A checkout that crashed between this call and writing its order leaves
 *   a row no OrderPlaced confirms. Its stock reservation (under the same
 *   order id) then expires, and stock's ReservationExpired releases the
 *   discounts; if no such event comes (the reservation was released
 *   instead), the sweeper releases them after ABANDONED_AFTER_MS. Members
 *   does not ask orders: orders calls members at checkout, and a call back
 *   would make each wait for the other to start.
 */

/** The most points one order may redeem (a bound on the input, far above any real balance). */
export const MAX_POINTS_PER_ORDER = 100_000_000;

/**
 * An applied discount no OrderPlaced has confirmed after this long belongs to
 * a checkout that never wrote its order: checkout takes seconds, and an
 * OrderPlaced reaches members within seconds of the order's commit.
 */
export const ABANDONED_AFTER_MS = 24 * 60 * 60_000;

type MoneyInput = { amount: string; currencyCode: string };
export type ApplyCheckoutDiscountsInput = {
  orderId: string;
  memberId?: string | null;
  couponCode?: string | null;
  pointsToRedeem?: number | null;
  subtotal: MoneyInput;
};

type Applied = { orderId: string; currency: string; couponCode: string | null; couponDiscountMinor: number; pointsRedeemed: number };
type Errors = UserError<LoyaltyErrorCode>[];

/** The GraphQL `CheckoutDiscounts`. */
function view(applied: Applied) {
  const { currency } = applied;
  return {
    orderId: applied.orderId,
    couponCode: applied.couponCode,
    couponDiscount: moneyView(applied.couponDiscountMinor, currency),
    pointsRedeemed: applied.pointsRedeemed,
    pointsDiscount: moneyView(applied.pointsRedeemed, currency),
    total: moneyView(applied.couponDiscountMinor + applied.pointsRedeemed, currency),
  };
}

/** The whole application is refused: the transaction rolls back everything it took. */
class Refused extends Error {
  readonly errors: Errors;
  constructor(errors: Errors) {
    super(errors.map((error) => error.message).join('; '));
    this.errors = errors;
  }
}
/** Another call changed the order's row between our read and our claim: read again. */
class ClaimLost extends Error {}

function serviceOnly(ctx: MembersContext, field: string): void {
  // The scope is what the directive checks; a person's token must never hold it, but a service's identity is required too.
  if (ctx.identity.kind !== 'service') throw forbidden(`${field} is called by the orders service at checkout, not by people`);
}

export async function applyCheckoutDiscounts(ctx: MembersContext, input: ApplyCheckoutDiscountsInput) {
  serviceOnly(ctx, 'applyCheckoutDiscounts');
  const errors = new UserErrors<LoyaltyErrorCode>();
  const orderId = checkText(errors, 'input.orderId', input.orderId, 36);
  const points = checkInteger(errors, 'input.pointsToRedeem', input.pointsToRedeem ?? 0, 0, MAX_POINTS_PER_ORDER);
  const code =
    input.couponCode === null || input.couponCode === undefined ? null : checkCouponCode(errors, 'input.couponCode', input.couponCode);
  const parsed = parseMoney(input.subtotal);
  if (!parsed.ok) errors.add('INVALID_VALUE', 'input.subtotal', `input.subtotal: ${parsed.message}`);
  else if (parsed.money.minor < 0)
    errors.add('INVALID_VALUE', 'input.subtotal', `input.subtotal must not be negative; received "${input.subtotal.amount}"`);
  if (errors.any || !parsed.ok) return { discounts: null, userErrors: errors.list };
  const subtotal = parsed.money;
  const memberId = input.memberId ?? null;
  if (!memberId) {
    // A guest has no coupons and no points.
    if (code) errors.add('INVALID_COUPON', 'input.couponCode', `coupon "${code}" belongs to a member; sign in to use it`);
    if (points > 0) errors.add('INSUFFICIENT_POINTS', 'input.pointsToRedeem', 'points belong to members; sign in to redeem them');
  }
  if (points > 0 && subtotal.currency !== LOYALTY_CURRENCY) {
    errors.add(
      'INVALID_VALUE',
      'input.pointsToRedeem',
      `points are redeemed on ${LOYALTY_CURRENCY} orders only; this order is in ${subtotal.currency}`,
    );
  }
  if (errors.any || !memberId) return { discounts: null, userErrors: errors.list };
  if (!code && points === 0) {
    return {
      discounts: view({ orderId, currency: subtotal.currency, couponCode: null, couponDiscountMinor: 0, pointsRedeemed: 0 }),
      userErrors: [],
    };
  }
  const request = JSON.stringify({ memberId, code, points, subtotal: subtotal.minor, currency: subtotal.currency });
  for (let attempt = 1; ; attempt++) {
    try {
      const applied = await transactWithRetry(ctx.db, ctx.em, (tx) =>
        applyOnce(ctx, tx, { orderId, memberId, code, points, subtotal, request }),
      );
      return { discounts: view(applied), userErrors: [] };
    } catch (error) {
      if (error instanceof Refused) return { discounts: null, userErrors: error.errors };
      // A racing call with the same order id claimed it first: the next attempt sees its answer.
      if ((error instanceof UniqueConstraintViolationException || error instanceof ClaimLost) && attempt < 3) continue;
      throw error;
    }
  }
}

async function applyOnce(
  ctx: MembersContext,
  tx: EntityManager,
  request: { orderId: string; memberId: string; code: string | null; points: number; subtotal: Money; request: string },
): Promise<Applied> {
  const { db } = ctx;
  const { orderId, memberId, code, points, subtotal } = request;
  const now = new Date();
  const existing = await checkoutDiscountRepository.findApplied(db, tx, orderId);
  const claim = { orderId, memberId, request: request.request, currency: subtotal.currency };
  if (existing) {
    const { status } = existing;
    if (status === 'APPLIED' && existing.request === request.request) {
      return {
        orderId,
        currency: existing.currency,
        couponCode: existing.couponCode,
        couponDiscountMinor: existing.couponDiscountMinor,
        pointsRedeemed: existing.pointsRedeemed,
      };
    }
    if (status !== 'RELEASED') {
      throw new Refused([
        {
          code: 'DUPLICATE_REQUEST',
          field: 'input.orderId',
          message:
            status === 'APPLIED'
              ? `order ${orderId} has discounts for a different request`
              : `order ${orderId} was paid and cancelled; its discounts cannot be applied again`,
        },
      ]);
    }
    // Released (its order was never written): this checkout may apply discounts afresh.
    if (!(await checkoutDiscountRepository.reclaimReleased(db, tx, claim, now))) throw new ClaimLost();
  } else {
    // The claim: a racing call with the same order id waits on this key, then sees our answer.
    await checkoutDiscountRepository.insertClaim(db, tx, claim, now);
  }

  const errors = new UserErrors<LoyaltyErrorCode>();
  let couponId: string | null = null;
  let couponDiscountMinor = 0;
  if (code) {
    const coupon = await tx.findOne(CouponEntity, { code }, { refresh: true });
    const campaign = coupon ? await tx.findOne(CouponCampaignEntity, { id: coupon.campaignId }) : null;
    const checked = couponDiscount(coupon, campaign, { memberId, orderId, code, subtotal }, now);
    if (!checked.ok) errors.add('INVALID_COUPON', 'input.couponCode', checked.message);
    else {
      if (await couponRepository.redeem(db, tx, coupon!.id, orderId, now)) {
        couponId = coupon!.id;
        couponDiscountMinor = checked.minor;
      } else errors.add('INVALID_COUPON', 'input.couponCode', `coupon "${code}" has been used already`);
    }
  }

  let entryId: string | null = null;
  if (points > 0) {
    const cap = subtotal.minor - couponDiscountMinor;
    if (points > cap) {
      errors.add(
        'INVALID_VALUE',
        'input.pointsToRedeem',
        `at most ${cap} points can be redeemed on this order (1 point = ${formatMinor(1, subtotal.currency)} ${subtotal.currency}, up to its total after the coupon); received ${points}`,
      );
    } else if (errors.any) {
      // The coupon was refused: the points are checked too, so the customer hears of both, but nothing is taken.
      const balance = await pointsRepository.balance(db, tx, memberId);
      if (balance < points)
        errors.add('INSUFFICIENT_POINTS', 'input.pointsToRedeem', `you have ${balance} points; this order asks for ${points}`);
    } else {
      entryId = await redeemPoints(db, tx, { memberId, orderId, points }, now);
      if (!entryId) {
        const balance = await pointsRepository.balance(db, tx, memberId);
        errors.add('INSUFFICIENT_POINTS', 'input.pointsToRedeem', `you have ${balance} points; this order asks for ${points}`);
      }
    }
  }
  if (errors.any) throw new Refused(errors.list);

  await checkoutDiscountRepository.recordTaken(db, tx, orderId, {
    couponId,
    couponCode: couponId ? code : null,
    couponDiscountMinor,
    pointsRedeemed: points,
    redemptionEntryId: entryId,
  });
  return { orderId, currency: subtotal.currency, couponCode: couponId ? code : null, couponDiscountMinor, pointsRedeemed: points };
}

/**
 * Gives an order's discounts back, once: the coupon and the points
 * (`ALL`: the order was never written or was cancelled before payment), or
 * the points only (`POINTS`: cancelled after payment). Resolves false when
 * there was nothing (left) to give back.
 */
export async function releaseDiscounts(
  deps: LoyaltyDeps,
  tx: EntityManager,
  orderId: string,
  what: 'ALL' | 'POINTS',
  now = new Date(),
): Promise<boolean> {
  const { db } = deps;
  const to: CheckoutDiscountStatus = what === 'ALL' ? 'RELEASED' : 'POINTS_RESTORED';
  if (!(await checkoutDiscountRepository.leaveApplied(db, tx, orderId, to, now))) return false;
  const taken = await checkoutDiscountRepository.lockedRedemption(db, tx, orderId);
  if (what === 'ALL' && taken?.couponId) await couponRepository.giveBack(db, tx, taken.couponId, orderId);
  if (taken && taken.pointsRedeemed > 0 && taken.redemptionEntryId) {
    await restorePoints(db, tx, { memberId: taken.memberId, orderId, redemptionEntryId: taken.redemptionEntryId }, now);
  }
  return true;
}

export async function releaseCheckoutDiscounts(ctx: MembersContext, input: { orderId: string }) {
  serviceOnly(ctx, 'releaseCheckoutDiscounts');
  const errors = new UserErrors<LoyaltyErrorCode>();
  const orderId = checkText(errors, 'input.orderId', input.orderId, 36);
  if (errors.any) return { released: false, userErrors: errors.list };
  if (await orderLoyaltyRepository.paidAt(ctx.db, ctx.em, orderId)) {
    return {
      released: false,
      userErrors: [
        {
          code: 'INVALID_VALUE' as const,
          field: 'input.orderId',
          message: `order ${orderId} has been paid; its coupon stays used (cancelling the order gives its points back)`,
        },
      ],
    };
  }
  const released = await transactWithRetry(ctx.db, ctx.em, (tx) => releaseDiscounts(ctx, tx, orderId, 'ALL'));
  return { released, userErrors: [] };
}

/** The order exists (its OrderPlaced or OrderPaid arrived): its discounts are the order's until it is cancelled. */
export async function confirmDiscounts(deps: LoyaltyDeps, tx: EntityManager, orderId: string, now = new Date()): Promise<void> {
  await checkoutDiscountRepository.confirm(deps.db, tx, orderId, now);
}

/**
 * Stock's ReservationExpired (its reference is the order id): an unconfirmed
 * discount's checkout never wrote its order, so it is given back. A written
 * order is confirmed, and its own cancellation gives it back; if that
 * OrderPlaced is late, the order is being cancelled anyway (orders cancels
 * an unpaid order whose reservation expired), so the outcome is the same.
 */
export async function releaseUnconfirmedDiscounts(
  deps: LoyaltyDeps,
  tx: EntityManager,
  orderId: string,
  now = new Date(),
): Promise<boolean> {
  const row = await checkoutDiscountRepository.confirmation(deps.db, tx, orderId);
  if (!row || row.confirmedAt) return false;
  return releaseDiscounts(deps, tx, orderId, 'ALL', now);
}

/** The sweeper's safety net: applied, unconfirmed and older than ABANDONED_AFTER_MS (no reservation expiry released them). */
export async function releaseAbandonedDiscounts(deps: LoyaltyDeps, now = new Date()): Promise<number> {
  const { db } = deps;
  const due = await checkoutDiscountRepository.abandonedOrderIds(db, db.fork(), new Date(now.getTime() - ABANDONED_AFTER_MS));
  let released = 0;
  for (const orderId of due) {
    if (await transactWithRetry(db, db.fork(), (tx) => releaseUnconfirmedDiscounts(deps, tx, orderId, now))) released += 1;
  }
  return released;
}
