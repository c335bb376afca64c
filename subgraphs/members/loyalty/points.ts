import { updateOrCreate } from '../../../platform/db/conflicts.ts';
import type { Database, EntityManager } from '../../../platform/db/database.ts';
import { forUpdate, int, transactWithRetry } from '../../../platform/db/raw-sql.ts';
import { type Connection, decodeCursor, pageSize, toConnection } from '../../../platform/graphql/pagination.ts';
import { newId } from '../../../platform/values/ids.ts';
import type { MembersContext } from '../context.ts';
import { type PointsEntry, PointsEntryEntity, type PointsReason } from '../entities/loyalty.entity.ts';
import { mayReadLoyalty } from './access.ts';
import { DAY_MS, type LoyaltyDeps } from './support.ts';

/**
 * The points ledger. Rules (issue 5, item 4):
 *
 * - A member's balance is the sum of their ledger entries and is never
 *   negative. It is also kept in `points_account.balance`, changed in the
 *   same transaction as the entries it sums, so that a redemption is one
 *   conditional UPDATE (`balance = balance - n where balance >= n`): of two
 *   checkouts racing for the last points, the database lets one through
 *   (MySQL: the row lock; SQLite: writing transactions are serialized).
 * - Earned points are lots that expire `POINTS_EXPIRY_DAYS` after the
 *   order was paid. A redemption, a reversal and expiry take points from
 *   lots oldest first (the soonest to expire), so `balance` always equals
 *   the sum of the lots' `remaining`.
 * - A redemption remembers the lots it took from (points_allocation); when
 *   it is given back (RESTORED) the points return to those very lots and
 *   keep their expiry, so cancelling an order cannot make points live longer.
 * - A reversal (a refund, a return, a cancellation after payment) takes back
 *   at most what the balance holds: points already spent elsewhere are
 *   written off (counted on the order, order_loyalty.written_off_points),
 *   because the balance must never go negative.
 *
 * Every change of one member's points runs inside a transaction that holds
 * their points_account row first (lockPoints or the conditional UPDATE), so
 * changes of one member are serialized and the lots read after it are current.
 */
export type Allocation = { lotId: string; points: number };

/** Holds the member's points account (creating it empty if needed) and returns its balance. */
export async function lockPoints(db: Database, tx: EntityManager, memberId: string, now = new Date()): Promise<number> {
  await updateOrCreate(
    () => db.run(tx, 'update points_account set updated_at = ? where member_id = ?', [db.sqlDate(now), memberId]),
    () => db.run(tx, `${db.insertIgnore} points_account (member_id, balance, updated_at) values (?, 0, ?)`, [memberId, db.sqlDate(now)]),
  );
  const [row] = await db.execute<{ balance: unknown }>(tx, `select balance from points_account where member_id = ?${forUpdate(db)}`, [
    memberId,
  ]);
  return int(row?.balance);
}

async function addEntry(
  db: Database,
  tx: EntityManager,
  entry: {
    memberId: string;
    delta: number;
    reason: PointsReason;
    orderId?: string | null;
    lotId?: string | null;
    expiresAt?: Date | null;
    remaining?: number | null;
  },
  now: Date,
): Promise<string> {
  const id = newId();
  await db.run(
    tx,
    `insert into points_entry (id, member_id, delta, reason, order_id, lot_id, expires_at, remaining, created_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      id,
      entry.memberId,
      entry.delta,
      entry.reason,
      entry.orderId ?? null,
      entry.lotId ?? null,
      entry.expiresAt ? db.sqlDate(entry.expiresAt) : null,
      entry.remaining ?? null,
      db.sqlDate(now),
    ],
  );
  return id;
}

async function changeBalance(db: Database, tx: EntityManager, memberId: string, delta: number, now: Date): Promise<boolean> {
  const changed = await db.run(
    tx,
    'update points_account set balance = balance + ?, updated_at = ? where member_id = ? and balance + ? >= 0',
    [delta, db.sqlDate(now), memberId, delta],
  );
  return changed === 1;
}

/**
 * Takes `points` from the member's lots, oldest first (`firstLot` before
 * the others when given). The caller has already taken them off the balance,
 * which equals the lots' sum, so the lots always hold enough.
 */
async function takeFromLots(
  db: Database,
  tx: EntityManager,
  memberId: string,
  points: number,
  firstLot: string | null = null,
): Promise<Allocation[]> {
  const rows = await db.execute<{ id: string; remaining: unknown }>(
    tx,
    `select id, remaining from points_entry where member_id = ? and remaining > 0 order by expires_at, id${forUpdate(db)}`,
    [memberId],
  );
  const lots = [...rows.filter((row) => row.id === firstLot), ...rows.filter((row) => row.id !== firstLot)];
  const allocations: Allocation[] = [];
  let left = points;
  for (const lot of lots) {
    if (left === 0) break;
    const take = Math.min(int(lot.remaining), left);
    await db.run(tx, 'update points_entry set remaining = remaining - ? where id = ?', [take, lot.id]);
    allocations.push({ lotId: lot.id, points: take });
    left -= take;
  }
  if (left > 0) throw new Error(`points ledger of member ${memberId}: the balance exceeds its lots by ${left}; nothing was changed`);
  return allocations;
}

/** Credits an order's earned points as a new lot. The caller holds the account (lockPoints). */
export async function earnPoints(
  deps: LoyaltyDeps,
  tx: EntityManager,
  input: { memberId: string; orderId: string; points: number; paidAt: Date },
  now = new Date(),
): Promise<string> {
  const { db } = deps;
  await changeBalance(db, tx, input.memberId, input.points, now);
  return addEntry(
    db,
    tx,
    {
      memberId: input.memberId,
      delta: input.points,
      reason: 'EARNED',
      orderId: input.orderId,
      expiresAt: new Date(input.paidAt.getTime() + deps.config.pointsExpiryDays * DAY_MS),
      remaining: input.points,
    },
    now,
  );
}

/**
 * Redeems `points` for an order: one conditional UPDATE decides whether the
 * balance holds them. Resolves with the REDEEMED entry's id, or null when the
 * balance is short (nothing changed).
 */
export async function redeemPoints(
  db: Database,
  tx: EntityManager,
  input: { memberId: string; orderId: string; points: number },
  now = new Date(),
): Promise<string | null> {
  if (!(await changeBalance(db, tx, input.memberId, -input.points, now))) return null;
  const allocations = await takeFromLots(db, tx, input.memberId, input.points);
  const entryId = await addEntry(
    db,
    tx,
    { memberId: input.memberId, delta: -input.points, reason: 'REDEEMED', orderId: input.orderId },
    now,
  );
  for (const allocation of allocations) {
    await db.run(tx, 'insert into points_allocation (entry_id, lot_id, points) values (?, ?, ?)', [
      entryId,
      allocation.lotId,
      allocation.points,
    ]);
  }
  return entryId;
}

/** Gives a redemption's points back to the lots they came from (RESTORED). The caller makes sure this happens once. */
export async function restorePoints(
  db: Database,
  tx: EntityManager,
  input: { memberId: string; orderId: string; redemptionEntryId: string },
  now = new Date(),
): Promise<number> {
  await lockPoints(db, tx, input.memberId, now);
  const allocations = await db.execute<{ lot_id: string; points: unknown }>(
    tx,
    'select lot_id, points from points_allocation where entry_id = ?',
    [input.redemptionEntryId],
  );
  const total = allocations.reduce((sum, allocation) => sum + int(allocation.points), 0);
  if (total === 0) return 0;
  await changeBalance(db, tx, input.memberId, total, now);
  for (const allocation of allocations) {
    await db.run(tx, 'update points_entry set remaining = remaining + ? where id = ?', [int(allocation.points), allocation.lot_id]);
  }
  await addEntry(db, tx, { memberId: input.memberId, delta: total, reason: 'RESTORED', orderId: input.orderId }, now);
  return total;
}

/**
 * Takes back up to `points` earned by an order (REVERSED), from the order's
 * own lot first. Resolves with how many were taken: never more than the
 * balance, the rest is for the caller to write off.
 */
export async function reversePoints(
  db: Database,
  tx: EntityManager,
  input: { memberId: string; orderId: string; points: number; lotId: string | null },
  now = new Date(),
): Promise<number> {
  const balance = await lockPoints(db, tx, input.memberId, now);
  const taken = Math.min(input.points, balance);
  if (taken <= 0) return 0;
  if (!(await changeBalance(db, tx, input.memberId, -taken, now)))
    throw new Error(`points of member ${input.memberId} changed under a lock`);
  await takeFromLots(db, tx, input.memberId, taken, input.lotId);
  await addEntry(db, tx, { memberId: input.memberId, delta: -taken, reason: 'REVERSED', orderId: input.orderId }, now);
  return taken;
}

/**
 * Expires what is left of every lot whose time is up (one EXPIRED entry per
 * lot), a member per transaction. Safe with several instances sweeping: each
 * re-reads the due lots under the member's account lock.
 */
export async function expirePoints(deps: LoyaltyDeps, now = new Date(), batch = 100): Promise<number> {
  const { db } = deps;
  let expired = 0;
  for (;;) {
    const due = await db.execute<{ member_id: string }>(
      db.fork(),
      'select distinct member_id from points_entry where remaining > 0 and expires_at <= ? limit ?',
      [db.sqlDate(now), batch],
    );
    for (const { member_id: memberId } of due) {
      expired += await transactWithRetry(db, db.fork(), async (tx) => {
        await lockPoints(db, tx, memberId, now);
        const lots = await db.execute<{ id: string; remaining: unknown }>(
          tx,
          `select id, remaining from points_entry where member_id = ? and remaining > 0 and expires_at <= ?${forUpdate(db)}`,
          [memberId, db.sqlDate(now)],
        );
        let total = 0;
        for (const lot of lots) {
          const points = int(lot.remaining);
          await db.run(tx, 'update points_entry set remaining = 0 where id = ?', [lot.id]);
          await addEntry(db, tx, { memberId, delta: -points, reason: 'EXPIRED', lotId: lot.id }, now);
          total += points;
        }
        if (total > 0 && !(await changeBalance(db, tx, memberId, -total, now))) {
          throw new Error(`points ledger of member ${memberId}: its lots exceed its balance`);
        }
        return total;
      });
    }
    if (due.length < batch) return expired;
  }
}

/** `Member.pointsLedger`: newest first, paged by entry id (ids grow with time). */
export function pointsLedger(
  ctx: MembersContext,
  memberId: string,
  args: { first?: number | null; after?: string | null },
): Promise<Connection<PointsEntry>> {
  mayReadLoyalty(ctx, memberId, 'pointsLedger');
  const size = pageSize(args.first);
  const where: Record<string, unknown> = { memberId };
  const page = args.after ? { ...where, id: { $lt: decodeCursor(args.after, ['string'])[0] as string } } : where;
  return ctx.em.find(PointsEntryEntity, page, { orderBy: { id: 'desc' }, limit: size + 1 }).then((rows) =>
    toConnection(
      rows,
      size,
      (entry) => [entry.id],
      () => ctx.em.count(PointsEntryEntity, where),
    ),
  );
}

/** `Member.points`: the balance. */
export async function pointsOf(ctx: MembersContext, memberId: string): Promise<number> {
  mayReadLoyalty(ctx, memberId, 'points');
  return ctx.loaders.pointsBalance.load(memberId);
}
