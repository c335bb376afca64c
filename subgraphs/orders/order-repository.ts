import type { Database, EntityManager } from '../../platform/db/database.ts';
import { int } from '../../platform/db/raw-sql.ts';
import { type Order, OrderEntity, type OrderStatus } from './entities/order.entity.ts';

/**
 * The hand-written statements on `sales_order`. A status changes only by a
 * conditional update from the status the caller saw (order-state.ts says
 * why); amounts that accumulate are added in the database, never read and
 * written back. Every value is a bound parameter; rows come back typed.
 */

/** What a status change may set besides the status (shipping sets the parcel). */
export type OrderChanges = { carrier?: string | null; trackingNumber?: string | null };

/** The columns `OrderChanges` names: the only column names a statement here takes from its caller. */
const COLUMN_OF: Record<keyof OrderChanges, string> = { carrier: 'carrier', trackingNumber: 'tracking_number' };

/** Moves an order from `from` to `to` (and sets `changes`); resolves with the rows changed: 1, or 0 when it had moved on. */
export function updateStatusFrom(
  db: Database,
  tx: EntityManager,
  move: { orderId: string; from: OrderStatus; to: OrderStatus; changes?: OrderChanges },
  now: Date,
): Promise<number> {
  const changes = Object.entries(move.changes ?? {}) as [keyof OrderChanges, string | null][];
  return db.run(
    tx,
    `update sales_order set status = ?, version = version + 1, updated_at = ?${changes.map(([name]) => `, ${COLUMN_OF[name]} = ?`).join('')}
      where id = ? and status = ?`,
    [move.to, db.sqlDate(now), ...changes.map(([, value]) => value), move.orderId, move.from],
  );
}

/** Adds a refund to what the order has had refunded, if it is in the order's currency; resolves with the rows changed (1 or 0). */
export function addRefunded(db: Database, tx: EntityManager, orderId: string, amount: { minor: number; currency: string }, now: Date) {
  return db.run(tx, 'update sales_order set refunded_minor = refunded_minor + ?, updated_at = ? where id = ? and currency = ?', [
    amount.minor,
    db.sqlDate(now),
    orderId,
    amount.currency,
  ]);
}

/**
 * The newest `limit` orders of each member, in one statement: the members'
 * orders ranked newest first (createdAt, then id, as listOrders pages them).
 * Resolves with managed entities, as `em.find` would.
 */
export async function newestOrdersOfMembers(
  db: Database,
  em: EntityManager,
  memberIds: readonly string[],
  limit: number,
): Promise<Order[]> {
  const rows = await db.execute<Record<string, unknown>>(
    em,
    `select * from (
       select o.*, row_number() over (partition by o.member_id order by o.created_at desc, o.id desc) as member_rank
       from sales_order o where o.member_id in (${memberIds.map(() => '?').join(', ')})
     ) ranked where member_rank <= ? order by member_id, member_rank`,
    [...memberIds, limit],
  );
  // em.map makes the row the managed entity em.find would have returned.
  return rows.map(({ member_rank: _rank, ...row }) => em.map(OrderEntity, row));
}

/** How many orders each member has; a member with none is missing from the map. */
export async function orderCountsOfMembers(db: Database, em: EntityManager, memberIds: readonly string[]): Promise<Map<string, number>> {
  const rows = await db.execute<{ member_id: string; orders: unknown }>(
    em,
    `select member_id, count(*) as orders from sales_order where member_id in (${memberIds.map(() => '?').join(', ')}) group by member_id`,
    [...memberIds],
  );
  return new Map(rows.map((row) => [row.member_id, int(row.orders)]));
}
