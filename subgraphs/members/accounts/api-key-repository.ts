import type { Database, EntityManager } from '../../../platform/db/database.ts';

/**
 * The SQL of api_key changes that must not lose to a concurrent one:
 * revoking keeps the first revocation time, and usage reports add to the
 * counters in the database rather than writing back a count read earlier.
 */

/** Revokes the key unless it is revoked already. */
export async function revoke(db: Database, tx: EntityManager, id: string, at: Date): Promise<void> {
  await db.run(tx, 'update api_key set revoked_at = ? where id = ? and revoked_at is null', [db.sqlDate(at), id]);
}

/** Adds `requests` to the key's count; `lastUsedAt` only ever moves forwards. */
export async function addUsage(db: Database, tx: EntityManager, usage: { id: string; requests: number; lastUsedAt: Date }): Promise<void> {
  const at = db.sqlDate(usage.lastUsedAt);
  await db.run(
    tx,
    `update api_key set request_count = request_count + ?,
       last_used_at = case when last_used_at is null or last_used_at < ? then ? else last_used_at end
     where id = ?`,
    [usage.requests, at, at, usage.id],
  );
}

/**
 * Replaces the key's secret if it is still the one `key` was read with and the
 * key is not revoked (so two rotations at once cannot both hand out a secret):
 * the current secret becomes the previous one, accepted until
 * `previousSecretExpiresAt` (null: not at all). True when it was replaced.
 */
export async function rotate(
  db: Database,
  tx: EntityManager,
  key: { id: string; secretHash: string },
  next: { secretHash: string; prefix: string; at: Date; previousSecretExpiresAt: Date | null },
): Promise<boolean> {
  const expires = next.previousSecretExpiresAt ? db.sqlDate(next.previousSecretExpiresAt) : null;
  const changed = await db.run(
    tx,
    `update api_key set previous_secret_hash = ?, previous_secret_expires_at = ?,
       secret_hash = ?, prefix = ?, rotated_at = ?
     where id = ? and secret_hash = ? and revoked_at is null`,
    [expires ? key.secretHash : null, expires, next.secretHash, next.prefix, db.sqlDate(next.at), key.id, key.secretHash],
  );
  return changed > 0;
}
