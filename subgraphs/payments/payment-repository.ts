import type { Database, EntityManager } from '../../platform/db/database.ts';

/**
 * The payments' hand-written SQL on `payment`: each change is one conditional
 * UPDATE from the status (or the amounts) it starts from, and answers whether
 * it changed the row, so however many callbacks or requests race, exactly one
 * wins. Every value is a bound parameter.
 */

/** Inside `tx`: PENDING -> SUCCEEDED. True only for the call that changed it. */
export async function markPaidIfPending(
  db: Database,
  tx: EntityManager,
  paymentId: string,
  providerReference: string | null,
  at: Date,
): Promise<boolean> {
  const changed = await db.run(
    tx,
    `update payment set status = 'SUCCEEDED', provider_reference = ?, paid_at = ?, updated_at = ?, version = version + 1
      where id = ? and status = 'PENDING'`,
    [providerReference, db.sqlDate(at), db.sqlDate(at), paymentId],
  );
  return changed === 1;
}

/** Inside `tx`: PENDING -> CLOSED, freeing the order for another payment. True only for the call that changed it. */
export async function closeIfPending(db: Database, tx: EntityManager, paymentId: string, at: Date): Promise<boolean> {
  const changed = await db.run(
    tx,
    `update payment set status = 'CLOSED', active_order_id = null, closed_at = ?, updated_at = ?, version = version + 1
      where id = ? and status = 'PENDING'`,
    [db.sqlDate(at), db.sqlDate(at), paymentId],
  );
  return changed === 1;
}

/**
 * Inside `tx`: claims `minor` of what is left to refund of a paid payment
 * (`refunded_minor + minor <= amount_minor`), so racing refunds cannot
 * together take back more than was paid. True if the amount was claimed.
 */
export async function claimRefundAmount(db: Database, tx: EntityManager, paymentId: string, minor: number, at: Date): Promise<boolean> {
  const claimed = await db.run(
    tx,
    `update payment set refunded_minor = refunded_minor + ?, updated_at = ?, version = version + 1
      where id = ? and status in ('SUCCEEDED', 'PARTIALLY_REFUNDED') and refunded_minor + ? <= amount_minor`,
    [minor, db.sqlDate(at), paymentId, minor],
  );
  return claimed === 1;
}

/** Inside `tx`: a refund that failed gives its claimed amount back. */
export async function releaseRefundAmount(db: Database, tx: EntityManager, paymentId: string, minor: number, at: Date): Promise<void> {
  await db.run(tx, 'update payment set refunded_minor = refunded_minor - ?, updated_at = ?, version = version + 1 where id = ?', [
    minor,
    db.sqlDate(at),
    paymentId,
  ]);
}

/**
 * Inside `tx`: a completed refund adds to the payment's settled refunds, and
 * the payment becomes REFUNDED or PARTIALLY_REFUNDED; resolves the status it
 * now has. The status is assigned before the counter on purpose: MySQL
 * evaluates SET left to right with updated values, SQLite with the old ones;
 * in this order both compute it from the old value.
 */
export async function settleRefundAmount(
  db: Database,
  tx: EntityManager,
  paymentId: string,
  minor: number,
  at: Date,
): Promise<string | null> {
  await db.run(
    tx,
    `update payment set
       status = case when refund_settled_minor + ? >= amount_minor then 'REFUNDED' else 'PARTIALLY_REFUNDED' end,
       refund_settled_minor = refund_settled_minor + ?, updated_at = ?, version = version + 1
     where id = ?`,
    [minor, minor, db.sqlDate(at), paymentId],
  );
  const [row] = await db.execute<{ status: unknown }>(tx, 'select status from payment where id = ?', [paymentId]);
  return row ? String(row.status) : null;
}
