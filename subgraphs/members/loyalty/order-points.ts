import type { EntityManager } from '../../../platform/db/database.ts';
import { dateOf, forUpdate, int } from '../../../platform/db/raw-sql.ts';
import type { RefundSucceededData } from '../events.ts';
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

async function ensureOrderRow(deps: LoyaltyDeps, tx: EntityManager, orderId: string, memberId: string, now: Date): Promise<void> {
  const { db } = deps;
  await db.run(
    tx,
    `${db.insertIgnore} order_loyalty (order_id, member_id, currency, paid_minor, refunded_minor, paid_at, closed_at, aged_out,
       earned_points, reversed_points, written_off_points, lot_id, updated_at)
     values (?, ?, null, 0, 0, null, null, 0, 0, 0, 0, null, ?)`,
    [orderId, memberId, db.sqlDate(now)],
  );
}

/**
 * OrderPaid: records the order's spend, credits its points at the member's
 * tier as it was before this order, then settles anything that arrived
 * first and recomputes the tier. Once per order: a repeat finds it paid.
 */
export async function earnForPaidOrder(deps: LoyaltyDeps, tx: EntityManager, order: PaidOrder, now = new Date()): Promise<number> {
  const { db } = deps;
  const [member] = await db.execute<{ tier: string }>(tx, 'select tier from member where id = ?', [order.memberId]);
  if (!member) {
    deps.log.warn(`order ${order.orderId} was paid by member ${order.memberId}, whom members does not know; no points earned`);
    return 0;
  }
  await lockPoints(db, tx, order.memberId, now);
  await ensureOrderRow(deps, tx, order.orderId, order.memberId, now);
  const [row] = await db.execute<{ paid_at: unknown }>(tx, `select paid_at from order_loyalty where order_id = ?${forUpdate(db)}`, [
    order.orderId,
  ]);
  if (dateOf(row?.paid_at)) return 0;
  const at = order.at ? new Date(order.at) : now;
  const paidAt = Number.isNaN(at.getTime()) ? now : at;
  const points = pointsEarned(order.total.minor, order.total.currency, member.tier);
  const lotId = points > 0 ? await earnPoints(deps, tx, { memberId: order.memberId, orderId: order.orderId, points, paidAt }, now) : null;
  await db.run(
    tx,
    `update order_loyalty set currency = ?, paid_minor = ?, paid_at = ?, earned_points = ?, lot_id = ?, updated_at = ?
      where order_id = ?`,
    [order.total.currency, order.total.minor, db.sqlDate(paidAt), points, lotId, db.sqlDate(now), order.orderId],
  );
  await settleOrder(deps, tx, order.orderId, now);
  await recomputeTier(deps, tx, order.memberId, now);
  return points;
}

/** Cancelled after payment, or returned: the order no longer counts; its earned points are reversed. */
export async function closeOrder(deps: LoyaltyDeps, tx: EntityManager, order: { orderId: string; memberId: string }, now = new Date()) {
  const { db } = deps;
  const [member] = await db.execute(tx, 'select id from member where id = ?', [order.memberId]);
  if (!member) return;
  await lockPoints(db, tx, order.memberId, now);
  await ensureOrderRow(deps, tx, order.orderId, order.memberId, now);
  await db.run(tx, 'update order_loyalty set closed_at = ?, updated_at = ? where order_id = ? and closed_at is null', [
    db.sqlDate(now),
    db.sqlDate(now),
    order.orderId,
  ]);
  await settleOrder(deps, tx, order.orderId, now);
  await recomputeTier(deps, tx, order.memberId, now);
}

/** RefundSucceeded: counted once per refund id; settles the order if its payment is known already. */
export async function recordRefund(deps: LoyaltyDeps, tx: EntityManager, refund: RefundSucceededData, now = new Date()): Promise<boolean> {
  const { db } = deps;
  const recorded = await db.run(
    tx,
    `${db.insertIgnore} points_refund (refund_id, order_id, currency, amount_minor, full_refund, created_at) values (?, ?, ?, ?, ?, ?)`,
    [refund.refundId, refund.orderId, refund.amount.currency, refund.amount.minor, refund.full ? 1 : 0, db.sqlDate(now)],
  );
  if (recorded === 0) return false;
  const [order] = await db.execute<{ member_id: string }>(tx, 'select member_id from order_loyalty where order_id = ?', [refund.orderId]);
  // Unknown yet (its OrderPaid has not arrived) or a guest's order: OrderPaid settles it, if it ever comes.
  if (!order) return true;
  await lockPoints(db, tx, order.member_id, now);
  await settleOrder(deps, tx, refund.orderId, now);
  await recomputeTier(deps, tx, order.member_id, now);
  return true;
}

/** Reverses what the order owes back by now (see above). The caller holds the member's points account. */
export async function settleOrder(deps: LoyaltyDeps, tx: EntityManager, orderId: string, now = new Date()): Promise<void> {
  const { db } = deps;
  const [row] = await db.execute<Record<string, unknown>>(
    tx,
    `select member_id, currency, paid_minor, paid_at, closed_at, earned_points, reversed_points, written_off_points, lot_id
       from order_loyalty where order_id = ?${forUpdate(db)}`,
    [orderId],
  );
  if (!row || !dateOf(row.paid_at)) return;
  const [refunds] = await db.execute<{ refunded: unknown; all_refunded: unknown }>(
    tx,
    `select coalesce(sum(amount_minor), 0) as refunded, coalesce(max(full_refund), 0) as all_refunded
       from points_refund where order_id = ? and currency = ?`,
    [orderId, row.currency],
  );
  const paid = int(row.paid_minor);
  const fullyRefunded = int(refunds?.all_refunded) === 1 || int(refunds?.refunded) >= paid;
  const refunded = fullyRefunded ? paid : int(refunds?.refunded);
  const earned = int(row.earned_points);
  const closed = dateOf(row.closed_at) !== null || fullyRefunded;
  const target = closed || paid === 0 ? earned : Number((BigInt(earned) * BigInt(refunded)) / BigInt(paid));
  let reversed = int(row.reversed_points);
  let writtenOff = int(row.written_off_points);
  const owed = target - reversed - writtenOff;
  if (owed > 0) {
    const memberId = String(row.member_id);
    const taken = await reversePoints(db, tx, { memberId, orderId, points: owed, lotId: (row.lot_id as string | null) ?? null }, now);
    reversed += taken;
    writtenOff += owed - taken;
    if (taken < owed) {
      deps.log.warn(`order ${orderId}: ${owed - taken} of its earned points were already spent by member ${memberId}; written off`);
    }
  }
  await db.run(
    tx,
    'update order_loyalty set refunded_minor = ?, reversed_points = ?, written_off_points = ?, updated_at = ? where order_id = ?',
    [refunded, reversed, writtenOff, db.sqlDate(now), orderId],
  );
}
