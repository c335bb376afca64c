import type { Database, EntityManager } from '../../../platform/db/database.ts';

/**
 * The SQL of api_key changes that must not lose to a concurrent one:
 * revoking keeps the first revocation time, and usage reports add to the
 * counters in the database (the key's and its day's row in api_key_usage)
 * rather than writing back a count read earlier.
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

const LIMIT_COLUMNS = {
  requestsPerMinute: 'requests_per_minute',
  maxQueryCost: 'max_query_cost',
  maxSubscriptions: 'max_subscriptions',
} as const;
type LimitName = keyof typeof LIMIT_COLUMNS;

/** Sets the limits given (a value, or null for the router's default); those left undefined keep their value. */
export async function setLimits(
  db: Database,
  tx: EntityManager,
  id: string,
  limits: Partial<Record<LimitName, number | null>>,
): Promise<void> {
  const names = (Object.keys(LIMIT_COLUMNS) as LimitName[]).filter((name) => limits[name] !== undefined);
  if (names.length === 0) return;
  const assignments = names.map((name) => `${LIMIT_COLUMNS[name]} = ?`).join(', ');
  await db.run(tx, `update api_key set ${assignments} where id = ?`, [...names.map((name) => limits[name]), id]);
}

export type DailyUsage = { apiKeyId: string; day: string; requests: number; errors: number; cost: number };

/**
 * Adds to the key's row for `day` (UTC, YYYY-MM-DD), creating it at zero
 * first: one statement, so two reports at once both count, on either
 * dialect. Only for a key that exists (the insert selects it from api_key).
 */
export async function addDailyUsage(db: Database, tx: EntityManager, usage: DailyUsage): Promise<void> {
  const onConflict =
    db.dialect === 'sqlite'
      ? `on conflict (api_key_id, day) do update set requests = requests + excluded.requests,
           errors = errors + excluded.errors, cost = cost + excluded.cost`
      : `on duplicate key update requests = api_key_usage.requests + values(requests),
           errors = api_key_usage.errors + values(errors), cost = api_key_usage.cost + values(cost)`;
  await db.run(
    tx,
    `insert into api_key_usage (api_key_id, day, requests, errors, cost)
     select id, ?, ?, ?, ? from api_key where id = ? ${onConflict}`,
    [usage.day, usage.requests, usage.errors, usage.cost, usage.apiKeyId],
  );
}

/** The daily rows of these keys from `fromDay` on, oldest first. */
export async function dailyUsageSince(db: Database, em: EntityManager, ids: readonly string[], fromDay: string): Promise<DailyUsage[]> {
  if (ids.length === 0) return [];
  const rows = await db.execute<{ api_key_id: string; day: string; requests: unknown; errors: unknown; cost: unknown }>(
    em,
    `select api_key_id, day, requests, errors, cost from api_key_usage
     where api_key_id in (${ids.map(() => '?').join(', ')}) and day >= ? order by day`,
    [...ids, fromDay],
  );
  // bigint columns come back as numbers or strings depending on the driver.
  return rows.map((row) => ({
    apiKeyId: row.api_key_id,
    day: String(row.day),
    requests: Number(row.requests),
    errors: Number(row.errors),
    cost: Number(row.cost),
  }));
}
