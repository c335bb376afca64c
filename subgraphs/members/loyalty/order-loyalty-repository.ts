import type { Database, EntityManager } from '../../../platform/db/database.ts';
import { dateOf, forUpdate, int } from '../../../platform/db/raw-sql.ts';

/**
 * The SQL of per-order loyalty accounting: order_loyalty (an order's spend,
 * earned and reversed points) and points_refund (refunds, once per refund id).
 * Raw SQL for the insert-if-missing claims and the locking reads the rules
 * in order-points.ts and tiers.ts rest on.
 */

/** What settling an order reads of it. */
export type OrderLoyaltyRow = {
  memberId: string;
  currency: string | null;
  paidMinor: number;
  paidAt: Date | null;
  closedAt: Date | null;
  earnedPoints: number;
  reversedPoints: number;
  writtenOffPoints: number;
  lotId: string | null;
};

function toOrderLoyalty(row: Record<string, unknown>): OrderLoyaltyRow {
  return {
    memberId: String(row.member_id),
    currency: (row.currency as string | null) ?? null,
    paidMinor: int(row.paid_minor),
    paidAt: dateOf(row.paid_at),
    closedAt: dateOf(row.closed_at),
    earnedPoints: int(row.earned_points),
    reversedPoints: int(row.reversed_points),
    writtenOffPoints: int(row.written_off_points),
    lotId: (row.lot_id as string | null) ?? null,
  };
}

/** Creates the order's row, empty, unless it exists. */
export async function createOrderIfMissing(db: Database, tx: EntityManager, orderId: string, memberId: string, now: Date): Promise<void> {
  await db.run(
    tx,
    `${db.insertIgnore} order_loyalty (order_id, member_id, currency, paid_minor, refunded_minor, paid_at, closed_at, aged_out,
       earned_points, reversed_points, written_off_points, lot_id, updated_at)
     values (?, ?, null, 0, 0, null, null, 0, 0, 0, 0, null, ?)`,
    [orderId, memberId, db.sqlDate(now)],
  );
}

/** When the order was paid (null: not yet), read with a lock on its row. */
export async function lockedPaidAt(db: Database, tx: EntityManager, orderId: string): Promise<Date | null> {
  const [row] = await db.execute(tx, `select paid_at from order_loyalty where order_id = ?${forUpdate(db)}`, [orderId]);
  return dateOf(row?.paid_at);
}

/** When the order was paid (null: not yet, or unknown), a plain read. */
export async function paidAt(db: Database, em: EntityManager, orderId: string): Promise<Date | null> {
  const [row] = await db.execute(em, 'select paid_at from order_loyalty where order_id = ?', [orderId]);
  return dateOf(row?.paid_at);
}

export async function recordPayment(
  db: Database,
  tx: EntityManager,
  payment: { orderId: string; currency: string; paidMinor: number; paidAt: Date; earnedPoints: number; lotId: string | null },
  now: Date,
): Promise<void> {
  await db.run(
    tx,
    `update order_loyalty set currency = ?, paid_minor = ?, paid_at = ?, earned_points = ?, lot_id = ?, updated_at = ?
      where order_id = ?`,
    [
      payment.currency,
      payment.paidMinor,
      db.sqlDate(payment.paidAt),
      payment.earnedPoints,
      payment.lotId,
      db.sqlDate(now),
      payment.orderId,
    ],
  );
}

/** Marks the order closed (cancelled after payment, or returned), once. */
export async function closeOrderRow(db: Database, tx: EntityManager, orderId: string, now: Date): Promise<void> {
  await db.run(tx, 'update order_loyalty set closed_at = ?, updated_at = ? where order_id = ? and closed_at is null', [
    db.sqlDate(now),
    db.sqlDate(now),
    orderId,
  ]);
}

/** The member whose order it is, or null for an order members has not heard of. */
export async function memberOfOrder(db: Database, tx: EntityManager, orderId: string): Promise<string | null> {
  const [row] = await db.execute(tx, 'select member_id from order_loyalty where order_id = ?', [orderId]);
  return row ? String(row.member_id) : null;
}

/** The order's row, locked, or null. */
export async function lockedOrder(db: Database, tx: EntityManager, orderId: string): Promise<OrderLoyaltyRow | null> {
  const [row] = await db.execute(
    tx,
    `select member_id, currency, paid_minor, paid_at, closed_at, earned_points, reversed_points, written_off_points, lot_id
       from order_loyalty where order_id = ?${forUpdate(db)}`,
    [orderId],
  );
  return row ? toOrderLoyalty(row) : null;
}

export async function recordSettlement(
  db: Database,
  tx: EntityManager,
  orderId: string,
  settled: { refundedMinor: number; reversedPoints: number; writtenOffPoints: number },
  now: Date,
): Promise<void> {
  await db.run(
    tx,
    'update order_loyalty set refunded_minor = ?, reversed_points = ?, written_off_points = ?, updated_at = ? where order_id = ?',
    [settled.refundedMinor, settled.reversedPoints, settled.writtenOffPoints, db.sqlDate(now), orderId],
  );
}

/** Records a refund once per refund id; resolves whether this call recorded it. */
export async function recordRefundOnce(
  db: Database,
  tx: EntityManager,
  refund: { refundId: string; orderId: string; currency: string; amountMinor: number; full: boolean },
  now: Date,
): Promise<boolean> {
  const recorded = await db.run(
    tx,
    `${db.insertIgnore} points_refund (refund_id, order_id, currency, amount_minor, full_refund, created_at) values (?, ?, ?, ?, ?, ?)`,
    [refund.refundId, refund.orderId, refund.currency, refund.amountMinor, refund.full ? 1 : 0, db.sqlDate(now)],
  );
  return recorded !== 0;
}

/** What has been refunded of an order in its currency, and whether any refund was a full one. */
export async function refundsOf(
  db: Database,
  tx: EntityManager,
  orderId: string,
  currency: string | null,
): Promise<{ refundedMinor: number; anyFull: boolean }> {
  const [row] = await db.execute(
    tx,
    `select coalesce(sum(amount_minor), 0) as refunded, coalesce(max(full_refund), 0) as all_refunded
       from points_refund where order_id = ? and currency = ?`,
    [orderId, currency],
  );
  return { refundedMinor: int(row?.refunded), anyFull: int(row?.all_refunded) === 1 };
}

/** A member's paid spend in `currency` since `since`, net of refunds, closed orders left out; reads with locks. */
export async function lockedSpendSince(db: Database, tx: EntityManager, memberId: string, currency: string, since: Date): Promise<number> {
  const [row] = await db.execute(
    tx,
    `select coalesce(sum(case when paid_minor > refunded_minor then paid_minor - refunded_minor else 0 end), 0) as spend
       from order_loyalty
      where member_id = ? and currency = ? and paid_at > ? and closed_at is null${forUpdate(db)}`,
    [memberId, currency, db.sqlDate(since)],
  );
  return int(row?.spend);
}

/** Members with paid orders at or before `paidUntil` not yet marked aged out, at most `limit`. */
export async function membersWithSpendToAgeOut(db: Database, em: EntityManager, paidUntil: Date, limit: number): Promise<string[]> {
  const rows = await db.execute(em, 'select distinct member_id from order_loyalty where aged_out = ? and paid_at <= ? limit ?', [
    0,
    db.sqlDate(paidUntil),
    limit,
  ]);
  return rows.map((row) => String(row.member_id));
}

/** Marks the member's orders paid at or before `paidUntil` as aged out, so each is looked at once. */
export async function markAgedOut(db: Database, tx: EntityManager, memberId: string, paidUntil: Date): Promise<void> {
  await db.run(tx, 'update order_loyalty set aged_out = ? where member_id = ? and aged_out = ? and paid_at <= ?', [
    1,
    memberId,
    0,
    db.sqlDate(paidUntil),
  ]);
}
