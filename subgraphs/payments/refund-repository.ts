import type { Database, EntityManager } from '../../platform/db/database.ts';

/**
 * The payments' hand-written SQL on `refund`: a refund leaves PENDING once,
 * by a conditional UPDATE that answers whether this call changed it. Every
 * value is a bound parameter.
 */

/** Inside `tx`: PENDING -> SUCCEEDED, keeping an earlier provider reference when none is given. */
export async function completeIfPending(
  db: Database,
  tx: EntityManager,
  refundId: string,
  providerReference: string | null,
  at: Date,
): Promise<boolean> {
  const changed = await db.run(
    tx,
    `update refund set status = 'SUCCEEDED', provider_reference = coalesce(?, provider_reference), completed_at = ?
      where id = ? and status = 'PENDING'`,
    [providerReference, db.sqlDate(at), refundId],
  );
  return changed === 1;
}

/** Inside `tx`: PENDING -> FAILED with the reason (cut to its column's 500 characters). */
export async function failIfPending(db: Database, tx: EntityManager, refundId: string, reason: string, at: Date): Promise<boolean> {
  const changed = await db.run(
    tx,
    `update refund set status = 'FAILED', failure_reason = ?, completed_at = ? where id = ? and status = 'PENDING'`,
    [reason.slice(0, 500), db.sqlDate(at), refundId],
  );
  return changed === 1;
}
