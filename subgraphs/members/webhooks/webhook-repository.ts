import type { Database, EntityManager } from '../../../platform/db/database.ts';
import { newId } from '../../../platform/values/ids.ts';

/**
 * The SQL of webhooks (webhooks.ts, dispatch.ts). Times are epoch
 * milliseconds. Every change a dispatcher makes is conditional on its lease
 * (`lease_owner`), so a router that lost its lease cannot move a webhook's
 * position or record an event twice.
 */

export type WebhookRow = {
  id: string;
  apiKeyId: string;
  name: string;
  url: string;
  query: string;
  secret: string;
  status: 'ACTIVE' | 'DISABLED';
  disabledReason: string | null;
  version: number;
  lastPosition: string | null;
  lastSuccessMs: number | null;
  createdAt: Date;
  updatedAt: Date;
};

type Raw = Record<string, unknown>;
const num = (value: unknown) => (value === null || value === undefined ? null : Number(value));

const webhookOf = (row: Raw): WebhookRow => ({
  id: String(row.id),
  apiKeyId: String(row.api_key_id),
  name: String(row.name),
  url: String(row.url),
  query: String(row.query),
  secret: String(row.secret),
  status: row.status as WebhookRow['status'],
  disabledReason: (row.disabled_reason as string | null) ?? null,
  version: Number(row.version),
  lastPosition: (row.last_position as string | null) ?? null,
  lastSuccessMs: num(row.last_success_ms),
  createdAt: new Date(Number(row.created_at_ms)),
  updatedAt: new Date(Number(row.updated_at_ms)),
});

export async function insertWebhook(
  db: Database,
  tx: EntityManager,
  webhook: { id: string; apiKeyId: string; name: string; url: string; query: string; secret: string },
  now: number,
): Promise<void> {
  await db.run(
    tx,
    `insert into webhook (id, api_key_id, name, url, query, secret, status, version, lease_until_ms, created_at_ms, updated_at_ms)
     values (?, ?, ?, ?, ?, ?, 'ACTIVE', 1, 0, ?, ?)`,
    [webhook.id, webhook.apiKeyId, webhook.name, webhook.url, webhook.query, webhook.secret, now, now],
  );
}

export async function countOfKey(db: Database, em: EntityManager, apiKeyId: string): Promise<number> {
  const [row] = await db.execute<{ n: unknown }>(em, 'select count(*) as n from webhook where api_key_id = ?', [apiKeyId]);
  return Number(row?.n ?? 0);
}

export async function webhooksOfKey(db: Database, em: EntityManager, apiKeyId: string): Promise<WebhookRow[]> {
  const rows = await db.execute<Raw>(em, 'select * from webhook where api_key_id = ? order by created_at_ms desc, id desc', [apiKeyId]);
  return rows.map(webhookOf);
}

export async function webhookOfKey(db: Database, em: EntityManager, apiKeyId: string, id: string): Promise<WebhookRow | undefined> {
  const [row] = await db.execute<Raw>(em, 'select * from webhook where api_key_id = ? and id = ?', [apiKeyId, id]);
  return row ? webhookOf(row) : undefined;
}

/** Sets the fields given; a change of url or query (or re-enabling) bumps the version, so dispatchers subscribe again. */
export async function updateWebhook(
  db: Database,
  tx: EntityManager,
  id: string,
  change: { name?: string; url?: string; query?: string; status?: 'ACTIVE' | 'DISABLED'; disabledReason?: string | null },
  now: number,
): Promise<void> {
  const columns: [string, unknown][] = [];
  if (change.name !== undefined) columns.push(['name', change.name]);
  if (change.url !== undefined) columns.push(['url', change.url]);
  if (change.query !== undefined) columns.push(['query', change.query]);
  if (change.status !== undefined) columns.push(['status', change.status]);
  if (change.disabledReason !== undefined) columns.push(['disabled_reason', change.disabledReason]);
  const assignments = columns.map(([column]) => `${column} = ?`).join(', ');
  await db.run(tx, `update webhook set ${assignments}${assignments ? ', ' : ''}version = version + 1, updated_at_ms = ? where id = ?`, [
    ...columns.map(([, value]) => value),
    now,
    id,
  ]);
}

export async function deleteWebhook(db: Database, tx: EntityManager, id: string): Promise<void> {
  await db.run(tx, 'delete from webhook_attempt where delivery_id in (select id from webhook_delivery where webhook_id = ?)', [id]);
  await db.run(tx, 'delete from webhook_delivery where webhook_id = ?', [id]);
  await db.run(tx, 'delete from webhook where id = ?', [id]);
}

/**
 * Takes (or renews) the lease of up to `limit` active webhooks of keys that
 * are neither revoked nor expired: those free, expired, or already this
 * owner's. Returns every webhook the owner holds now.
 */
export async function lease(db: Database, tx: EntityManager, owner: string, now: number, leaseMs: number, limit: number) {
  const nowDate = db.sqlDate(new Date(now));
  const candidates = await db.execute<{ id: string }>(
    tx,
    `select w.id from webhook w join api_key k on k.id = w.api_key_id
     where w.status = 'ACTIVE' and (w.lease_owner = ? or w.lease_until_ms < ?)
       and k.revoked_at is null and (k.expires_at is null or k.expires_at > ?)
     order by w.created_at_ms limit ?`,
    [owner, now, nowDate, limit],
  );
  for (const { id } of candidates) {
    await db.run(tx, 'update webhook set lease_owner = ?, lease_until_ms = ? where id = ? and (lease_owner = ? or lease_until_ms < ?)', [
      owner,
      now + leaseMs,
      id,
      owner,
      now,
    ]);
  }
  const rows = await db.execute<Raw>(
    tx,
    `select w.*, k.scopes as key_scopes from webhook w join api_key k on k.id = w.api_key_id
     where w.lease_owner = ? and w.lease_until_ms >= ? and w.status = 'ACTIVE'
       and k.revoked_at is null and (k.expires_at is null or k.expires_at > ?)`,
    [owner, now, nowDate],
  );
  return rows.map((row) => ({ ...webhookOf(row), scopes: String(row.key_scopes).split(' ').filter(Boolean) }));
}

/** Lets go of every lease the owner holds (a router stopping). */
export async function release(db: Database, tx: EntityManager, owner: string): Promise<number> {
  return db.run(tx, 'update webhook set lease_owner = null, lease_until_ms = 0 where lease_owner = ?', [owner]);
}

/**
 * Records an event for a webhook this owner holds: the delivery (due now) and
 * the webhook's new position, once per position. Returns the delivery id, or
 * undefined when the owner does not hold the lease.
 */
export async function recordEvent(
  db: Database,
  tx: EntityManager,
  event: { owner: string; webhookId: string; position: string; payload: string },
  now: number,
): Promise<string | undefined> {
  const moved = await db.run(tx, "update webhook set last_position = ? where id = ? and lease_owner = ? and status = 'ACTIVE'", [
    event.position,
    event.webhookId,
    event.owner,
  ]);
  if (moved === 0) return undefined;
  // msg_ and a sortable id: the Standard Webhooks examples' form of a webhook-id.
  const id = `msg_${newId(now)}`;
  await db.run(
    tx,
    `${db.insertIgnore} webhook_delivery (id, webhook_id, event_position, payload, status, attempts, next_attempt_ms, created_at_ms)
     values (?, ?, ?, ?, 'PENDING', 0, ?, ?)`,
    [id, event.webhookId, event.position, event.payload, now, now],
  );
  const [row] = await db.execute<{ id: string }>(tx, 'select id from webhook_delivery where webhook_id = ? and event_position = ?', [
    event.webhookId,
    event.position,
  ]);
  return row?.id;
}

export type DispatchRow = { deliveryId: string; webhookId: string; url: string; secret: string; payload: string; attempts: number };

/**
 * Claims up to `limit` pending deliveries due now of webhooks this owner
 * holds: each is pushed `claimMs` ahead first, so a slow attempt is not
 * started twice; recording its attempt sets the real next time.
 */
export async function claimDue(db: Database, tx: EntityManager, owner: string, now: number, claimMs: number, limit: number) {
  const due = await db.execute<Raw>(
    tx,
    `select d.id, d.webhook_id, d.payload, d.attempts, w.url, w.secret from webhook_delivery d join webhook w on w.id = d.webhook_id
     where d.status = 'PENDING' and d.next_attempt_ms <= ? and w.lease_owner = ? and w.status = 'ACTIVE'
     order by d.next_attempt_ms limit ?`,
    [now, owner, limit],
  );
  const claimed: DispatchRow[] = [];
  for (const row of due) {
    const taken = await db.run(
      tx,
      "update webhook_delivery set next_attempt_ms = ? where id = ? and status = 'PENDING' and next_attempt_ms <= ?",
      [now + claimMs, row.id, now],
    );
    if (taken === 1) {
      claimed.push({
        deliveryId: String(row.id),
        webhookId: String(row.webhook_id),
        url: String(row.url),
        secret: String(row.secret),
        payload: String(row.payload),
        attempts: Number(row.attempts),
      });
    }
  }
  return claimed;
}

export type DeliveryRow = {
  id: string;
  webhookId: string;
  eventPosition: string;
  status: string;
  payload: string;
  attempts: number;
  nextAttemptMs: number | null;
  createdAtMs: number;
};

const deliveryOf = (row: Raw): DeliveryRow => ({
  id: String(row.id),
  webhookId: String(row.webhook_id),
  eventPosition: String(row.event_position),
  status: String(row.status),
  payload: String(row.payload),
  attempts: Number(row.attempts),
  nextAttemptMs: num(row.next_attempt_ms),
  createdAtMs: Number(row.created_at_ms),
});

export async function deliveryById(db: Database, em: EntityManager, id: string): Promise<DeliveryRow | undefined> {
  const [row] = await db.execute<Raw>(em, 'select * from webhook_delivery where id = ?', [id]);
  return row ? deliveryOf(row) : undefined;
}

/** A webhook's deliveries, newest first, after the cursor's (created, id). */
export async function deliveriesPage(
  db: Database,
  em: EntityManager,
  webhookId: string,
  after: [number, string] | undefined,
  limit: number,
): Promise<DeliveryRow[]> {
  const rows = after
    ? await db.execute<Raw>(
        em,
        `select * from webhook_delivery where webhook_id = ? and (created_at_ms < ? or (created_at_ms = ? and id < ?))
         order by created_at_ms desc, id desc limit ?`,
        [webhookId, after[0], after[0], after[1], limit],
      )
    : await db.execute<Raw>(em, 'select * from webhook_delivery where webhook_id = ? order by created_at_ms desc, id desc limit ?', [
        webhookId,
        limit,
      ]);
  return rows.map(deliveryOf);
}

export type AttemptRow = { at: Date; status: string; responseCode: number | null; latencyMs: number; error: string | null };

export async function attemptsOf(db: Database, em: EntityManager, deliveryIds: readonly string[]): Promise<Map<string, AttemptRow[]>> {
  const byDelivery = new Map<string, AttemptRow[]>();
  if (deliveryIds.length === 0) return byDelivery;
  const rows = await db.execute<Raw>(
    em,
    `select * from webhook_attempt where delivery_id in (${deliveryIds.map(() => '?').join(', ')}) order by at_ms, id`,
    [...deliveryIds],
  );
  for (const row of rows) {
    const list = byDelivery.get(String(row.delivery_id)) ?? [];
    list.push({
      at: new Date(Number(row.at_ms)),
      status: String(row.status),
      responseCode: num(row.response_code),
      latencyMs: Number(row.latency_ms),
      error: (row.error as string | null) ?? null,
    });
    byDelivery.set(String(row.delivery_id), list);
  }
  return byDelivery;
}

export async function insertAttempt(
  db: Database,
  tx: EntityManager,
  attempt: { deliveryId: string; succeeded: boolean; responseCode: number | null; latencyMs: number; error: string | null },
  now: number,
): Promise<void> {
  await db.run(
    tx,
    'insert into webhook_attempt (id, delivery_id, at_ms, status, response_code, latency_ms, error) values (?, ?, ?, ?, ?, ?, ?)',
    [
      newId(now),
      attempt.deliveryId,
      now,
      attempt.succeeded ? 'SUCCEEDED' : 'FAILED',
      attempt.responseCode,
      attempt.latencyMs,
      attempt.error,
    ],
  );
}

/** The delivery's outcome after an attempt: DELIVERED, PENDING again at `nextAttemptMs`, or FAILED. */
export async function settleDelivery(
  db: Database,
  tx: EntityManager,
  id: string,
  status: 'DELIVERED' | 'PENDING' | 'FAILED',
  nextAttemptMs: number | null,
): Promise<void> {
  await db.run(tx, 'update webhook_delivery set status = ?, attempts = attempts + 1, next_attempt_ms = ? where id = ?', [
    status,
    nextAttemptMs,
    id,
  ]);
}

export async function markSuccess(db: Database, tx: EntityManager, webhookId: string, now: number): Promise<void> {
  await db.run(tx, 'update webhook set last_success_ms = ? where id = ?', [now, webhookId]);
}

/** Due again now, whatever its status (redeliverWebhook). */
export async function requeue(db: Database, tx: EntityManager, id: string, now: number): Promise<void> {
  await db.run(tx, "update webhook_delivery set status = 'PENDING', next_attempt_ms = ? where id = ?", [now, id]);
}
