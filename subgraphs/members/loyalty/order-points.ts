import type { EntityManager } from '../../../platform/db/database.ts';
import * as memberRepository from '../accounts/member-repository.ts';
import type { RefundSucceededData } from '../events.ts';
import * as orderLoyaltyRepository from './order-loyalty-repository.ts';
import { earnPoints, lockPoints, reversePoints } from './points.ts';
import type { LoyaltyDeps } from './support.ts';
import { pointsEarned, recomputeTier } from './tiers.ts';

/**
 * Per-order accounting of spend and points (order_loyalty): what an order
 * paid and earned, and what refunds, a return or a cancellation after
 * payment took back.
 *
 * Reversal is by target, not by event: `settleOrder` works out how many of
 * the order's earned points should be reversed by now (all of them once the
 * order is cancelled after payment, returned or fully refunded; otherwise
 * floor(earned × refunded / paid)) and reverses only the difference to what
 * was reversed or written off before. So the events may come in any order
 * and any number of times (a refund and then a cancellation, a refund
 * before the OrderPaid it follows), and an order never gives back more than
 * it earned.
 */
export type PaidOrder = { orderId: string; memberId: string; total: { minor: number; currency: string }; at?: string | null };

/**
 * OrderPaid: records the order's spend, credits its points at the member's
 * tier as it was before this order, then settles anything that arrived
 * first and recomputes the tier. Once per order: a repeat finds it paid.
 */
export async function earnForPaidOrder(deps: LoyaltyDeps, tx: EntityManager, order: PaidOrder, now = new Date()): Promise<number> {
  const { db } = deps;
  const tier = await memberRepository.tierOf(db, tx, order.memberId);
  if (tier === null) {
    deps.log.warn(`order ${order.orderId} was paid by member ${order.memberId}, whom members does not know; no points earned`);
    return 0;
  }
  await lockPoints(db, tx, order.memberId, now);
  await orderLoyaltyRepository.createOrderIfMissing(db, tx, order.orderId, order.memberId, now);
  if (await orderLoyaltyRepository.lockedPaidAt(db, tx, order.orderId)) return 0;
  const at = order.at ? new Date(order.at) : now;
  const paidAt = Number.isNaN(at.getTime()) ? now : at;
  const points = pointsEarned(order.total.minor, order.total.currency, tier);
  const lotId = points > 0 ? await earnPoints(deps, tx, { memberId: order.memberId, orderId: order.orderId, points, paidAt }, now) : null;
  await orderLoyaltyRepository.recordPayment(
    db,
    tx,
    { orderId: order.orderId, currency: order.total.currency, paidMinor: order.total.minor, paidAt, earnedPoints: points, lotId },
    now,
  );
  await settleOrder(deps, tx, order.orderId, now);
  await recomputeTier(deps, tx, order.memberId, now);
  return points;
}

/** Cancelled after payment, or returned: the order no longer counts; its earned points are reversed. */
export async function closeOrder(deps: LoyaltyDeps, tx: EntityManager, order: { orderId: string; memberId: string }, now = new Date()) {
  const { db } = deps;
  if (!(await memberRepository.memberExists(db, tx, order.memberId))) return;
  await lockPoints(db, tx, order.memberId, now);
  await orderLoyaltyRepository.createOrderIfMissing(db, tx, order.orderId, order.memberId, now);
  await orderLoyaltyRepository.closeOrderRow(db, tx, order.orderId, now);
  await settleOrder(deps, tx, order.orderId, now);
  await recomputeTier(deps, tx, order.memberId, now);
}

/** RefundSucceeded: counted once per refund id; settles the order if its payment is known already. */
export async function recordRefund(deps: LoyaltyDeps, tx: EntityManager, refund: RefundSucceededData, now = new Date()): Promise<boolean> {
  const { db } = deps;
  const recorded = await orderLoyaltyRepository.recordRefundOnce(
    db,
    tx,
    {
      refundId: refund.refundId,
      orderId: refund.orderId,
      currency: refund.amount.currency,
      amountMinor: refund.amount.minor,
      full: Boolean(refund.full),
    },
    now,
  );
  if (!recorded) return false;
  const memberId = await orderLoyaltyRepository.memberOfOrder(db, tx, refund.orderId);
  // Unknown yet (its OrderPaid has not arrived) or a guest's order: OrderPaid settles it, if it ever comes.
  if (memberId === null) return true;
  await lockPoints(db, tx, memberId, now);
  await settleOrder(deps, tx, refund.orderId, now);
  await recomputeTier(deps, tx, memberId, now);
  return true;
}

/** Reverses what the order owes back by now (see above). The caller holds the member's points account. */
export async function settleOrder(deps: LoyaltyDeps, tx: EntityManager, orderId: string, now = new Date()): Promise<void> {
  const { db } = deps;
  const order = await orderLoyaltyRepository.lockedOrder(db, tx, orderId);
  if (!order?.paidAt) return;
  const refunds = await orderLoyaltyRepository.refundsOf(db, tx, orderId, order.currency);
  const paid = order.paidMinor;
  const fullyRefunded = refunds.anyFull || refunds.refundedMinor >= paid;
  const refunded = fullyRefunded ? paid : refunds.refundedMinor;
  const earned = order.earnedPoints;
  const closed = order.closedAt !== null || fullyRefunded;
  const target = closed || paid === 0 ? earned : Number((BigInt(earned) * BigInt(refunded)) / BigInt(paid));
  let reversed = order.reversedPoints;
  let writtenOff = order.writtenOffPoints;
  const owed = target - reversed - writtenOff;
  if (owed > 0) {
    const { memberId } = order;
    const taken = await reversePoints(db, tx, { memberId, orderId, points: owed, lotId: order.lotId }, now);
    reversed += taken;
    writtenOff += owed - taken;
    if (taken < owed) {
      deps.log.warn(`order ${orderId}: ${owed - taken} of its earned points were already spent by member ${memberId}; written off`);
    }
  }
  await orderLoyaltyRepository.recordSettlement(
    db,
    tx,
    orderId,
    { refundedMinor: refunded, reversedPoints: reversed, writtenOffPoints: writtenOff },
    now,
  );
}
