import type { Database, EntityManager } from '../../../platform/db/database.ts';
import { dateOf, forUpdate, int } from '../../../platform/db/raw-sql.ts';
import type { CheckoutDiscountStatus } from '../entities/loyalty.entity.ts';

/**
 * The SQL of checkout_discount, one row per order: the claim that makes
 * applying discounts idempotent by order id, and the conditional status
 * changes that make giving them back happen once (checkout-discounts.ts).
 */

/** What a repeated application compares itself with and answers from. */
export type AppliedRow = {
  status: CheckoutDiscountStatus;
  request: string;
  currency: string;
  couponCode: string | null;
  couponDiscountMinor: number;
  pointsRedeemed: number;
};

/** What giving the discounts back needs. */
export type RedemptionRow = { memberId: string; couponId: string | null; pointsRedeemed: number; redemptionEntryId: string | null };

export async function findApplied(db: Database, tx: EntityManager, orderId: string): Promise<AppliedRow | null> {
  const [row] = await db.execute(
    tx,
    'select status, request, currency, coupon_code, coupon_discount_minor, points_redeemed from checkout_discount where order_id = ?',
    [orderId],
  );
  if (!row) return null;
  return {
    status: row.status as CheckoutDiscountStatus,
    request: String(row.request),
    currency: String(row.currency),
    couponCode: (row.coupon_code as string | null) ?? null,
    couponDiscountMinor: int(row.coupon_discount_minor),
    pointsRedeemed: int(row.points_redeemed),
  };
}

type Claim = { orderId: string; memberId: string; request: string; currency: string };

/** Claims a RELEASED row for a new application, emptied; resolves false when another call changed it first. */
export async function reclaimReleased(db: Database, tx: EntityManager, claim: Claim, now: Date): Promise<boolean> {
  const claimed = await db.run(
    tx,
    `update checkout_discount set status = 'APPLIED', member_id = ?, request = ?, currency = ?, coupon_id = null, coupon_code = null,
       coupon_discount_minor = 0, points_redeemed = 0, redemption_entry_id = null, confirmed_at = null, updated_at = ?
     where order_id = ? and status = 'RELEASED'`,
    [claim.memberId, claim.request, claim.currency, db.sqlDate(now), claim.orderId],
  );
  return claimed === 1;
}

/** The claim by primary key: a racing call with the same order id waits on it, or fails on the unique key. */
export async function insertClaim(db: Database, tx: EntityManager, claim: Claim, now: Date): Promise<void> {
  await db.run(
    tx,
    `insert into checkout_discount (order_id, member_id, request, status, currency, coupon_id, coupon_code, coupon_discount_minor,
       points_redeemed, redemption_entry_id, confirmed_at, created_at, updated_at)
     values (?, ?, ?, 'APPLIED', ?, null, null, 0, 0, null, null, ?, ?)`,
    [claim.orderId, claim.memberId, claim.request, claim.currency, db.sqlDate(now), db.sqlDate(now)],
  );
}

export async function recordTaken(
  db: Database,
  tx: EntityManager,
  orderId: string,
  taken: {
    couponId: string | null;
    couponCode: string | null;
    couponDiscountMinor: number;
    pointsRedeemed: number;
    redemptionEntryId: string | null;
  },
): Promise<void> {
  await db.run(
    tx,
    `update checkout_discount set coupon_id = ?, coupon_code = ?, coupon_discount_minor = ?, points_redeemed = ?, redemption_entry_id = ?
      where order_id = ?`,
    [taken.couponId, taken.couponCode, taken.couponDiscountMinor, taken.pointsRedeemed, taken.redemptionEntryId, orderId],
  );
}

/** Moves an APPLIED row to `to`; resolves false when it was not APPLIED (given back already, or never applied). */
export async function leaveApplied(
  db: Database,
  tx: EntityManager,
  orderId: string,
  to: CheckoutDiscountStatus,
  now: Date,
): Promise<boolean> {
  const changed = await db.run(tx, "update checkout_discount set status = ?, updated_at = ? where order_id = ? and status = 'APPLIED'", [
    to,
    db.sqlDate(now),
    orderId,
  ]);
  return changed === 1;
}

/** What the order's application took, read with a lock on its row. */
export async function lockedRedemption(db: Database, tx: EntityManager, orderId: string): Promise<RedemptionRow | null> {
  const [row] = await db.execute(
    tx,
    `select member_id, coupon_id, points_redeemed, redemption_entry_id from checkout_discount where order_id = ?${forUpdate(db)}`,
    [orderId],
  );
  if (!row) return null;
  return {
    memberId: String(row.member_id),
    couponId: (row.coupon_id as string | null) ?? null,
    pointsRedeemed: int(row.points_redeemed),
    redemptionEntryId: (row.redemption_entry_id as string | null) ?? null,
  };
}

export async function confirm(db: Database, tx: EntityManager, orderId: string, now: Date): Promise<void> {
  await db.run(tx, 'update checkout_discount set confirmed_at = ? where order_id = ? and confirmed_at is null', [db.sqlDate(now), orderId]);
}

/** Whether the order has a row, and when its order was confirmed (null: not yet). */
export async function confirmation(db: Database, tx: EntityManager, orderId: string): Promise<{ confirmedAt: Date | null } | null> {
  const [row] = await db.execute(tx, 'select confirmed_at from checkout_discount where order_id = ?', [orderId]);
  return row ? { confirmedAt: dateOf(row.confirmed_at) } : null;
}

/** Applied, unconfirmed rows last changed at or before `before`: at most 100 a call. */
export async function abandonedOrderIds(db: Database, em: EntityManager, before: Date): Promise<string[]> {
  const rows = await db.execute(
    em,
    "select order_id from checkout_discount where status = 'APPLIED' and confirmed_at is null and updated_at <= ? limit 100",
    [db.sqlDate(before)],
  );
  return rows.map((row) => String(row.order_id));
}
