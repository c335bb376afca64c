import type { Database, EntityManager } from '../../../platform/db/database.ts';
import { dateOf, forUpdate, int } from '../../../platform/db/raw-sql.ts';
import type { PointsReason } from '../entities/loyalty.entity.ts';

/**
 * The SQL of the points ledger: points_account (the balance), points_entry
 * (entries, earned ones being lots with `remaining`) and points_allocation
 * (which lots a redemption took from). Raw SQL rather than the ORM because
 * the rules (points.ts) rest on conditional UPDATEs and locking reads, whose
 * answers (rows changed, rows held) the ORM's unit of work does not give.
 */

/** An earned lot that still holds points. */
export type Lot = { id: string; remaining: number };
/** Points a redemption took from one lot. */
export type Allocation = { lotId: string; points: number };
export type NewEntry = {
  memberId: string;
  delta: number;
  reason: PointsReason;
  orderId?: string | null;
  lotId?: string | null;
  expiresAt?: Date | null;
  remaining?: number | null;
};

const toLot = (row: Record<string, unknown>): Lot => ({ id: String(row.id), remaining: int(row.remaining) });

/** Touches the member's account; resolves the rows changed (0: there is none yet). */
export const touchAccount = (db: Database, tx: EntityManager, memberId: string, now: Date) =>
  db.run(tx, 'update points_account set updated_at = ? where member_id = ?', [db.sqlDate(now), memberId]);

/** Creates the member's account empty; a racing creation wins and this changes nothing. */
export const createAccountIfMissing = (db: Database, tx: EntityManager, memberId: string, now: Date) =>
  db.run(tx, `${db.insertIgnore} points_account (member_id, balance, updated_at) values (?, 0, ?)`, [memberId, db.sqlDate(now)]);

/** The balance, read with a lock on the account row (see raw-sql.ts on forUpdate). */
export async function lockedBalance(db: Database, tx: EntityManager, memberId: string): Promise<number> {
  const [row] = await db.execute(tx, `select balance from points_account where member_id = ?${forUpdate(db)}`, [memberId]);
  return int(row?.balance);
}

/** The balance, a plain read; 0 for a member without an account. */
export async function balance(db: Database, em: EntityManager, memberId: string): Promise<number> {
  const [row] = await db.execute(em, 'select balance from points_account where member_id = ?', [memberId]);
  return int(row?.balance);
}

/** Adds `delta` to the balance unless that makes it negative; resolves whether it did. */
export async function changeBalance(db: Database, tx: EntityManager, memberId: string, delta: number, now: Date): Promise<boolean> {
  const changed = await db.run(
    tx,
    'update points_account set balance = balance + ?, updated_at = ? where member_id = ? and balance + ? >= 0',
    [delta, db.sqlDate(now), memberId, delta],
  );
  return changed === 1;
}

export async function insertEntry(db: Database, tx: EntityManager, id: string, entry: NewEntry, now: Date): Promise<void> {
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
}

/** The member's lots that hold points, soonest to expire first, locked. */
export async function lockedLots(db: Database, tx: EntityManager, memberId: string): Promise<Lot[]> {
  const rows = await db.execute(
    tx,
    `select id, remaining from points_entry where member_id = ? and remaining > 0 order by expires_at, id${forUpdate(db)}`,
    [memberId],
  );
  return rows.map(toLot);
}

/** The member's lots whose time is up and that still hold points, locked. */
export async function lockedExpiredLots(db: Database, tx: EntityManager, memberId: string, now: Date): Promise<Lot[]> {
  const rows = await db.execute(
    tx,
    `select id, remaining from points_entry where member_id = ? and remaining > 0 and expires_at <= ?${forUpdate(db)}`,
    [memberId, db.sqlDate(now)],
  );
  return rows.map(toLot);
}

/** Members holding at least one lot whose time is up, at most `limit`. */
export async function membersWithExpiredLots(db: Database, em: EntityManager, now: Date, limit: number): Promise<string[]> {
  const rows = await db.execute(em, 'select distinct member_id from points_entry where remaining > 0 and expires_at <= ? limit ?', [
    db.sqlDate(now),
    limit,
  ]);
  return rows.map((row) => String(row.member_id));
}

/** Takes `points` from a lot's remaining. */
export async function takeFromLot(db: Database, tx: EntityManager, lotId: string, points: number): Promise<void> {
  await db.run(tx, 'update points_entry set remaining = remaining - ? where id = ?', [points, lotId]);
}

/** Gives `points` back to a lot's remaining. */
export async function returnToLot(db: Database, tx: EntityManager, lotId: string, points: number): Promise<void> {
  await db.run(tx, 'update points_entry set remaining = remaining + ? where id = ?', [points, lotId]);
}

export async function emptyLot(db: Database, tx: EntityManager, lotId: string): Promise<void> {
  await db.run(tx, 'update points_entry set remaining = 0 where id = ?', [lotId]);
}

export async function insertAllocation(db: Database, tx: EntityManager, entryId: string, allocation: Allocation): Promise<void> {
  await db.run(tx, 'insert into points_allocation (entry_id, lot_id, points) values (?, ?, ?)', [
    entryId,
    allocation.lotId,
    allocation.points,
  ]);
}

/** The lots a redemption entry took from. */
export async function allocationsOf(db: Database, tx: EntityManager, entryId: string): Promise<Allocation[]> {
  const rows = await db.execute(tx, 'select lot_id, points from points_allocation where entry_id = ?', [entryId]);
  return rows.map((row) => ({ lotId: String(row.lot_id), points: int(row.points) }));
}

/** Earned lots still holding points that expire in (`after`, `until`]: one row a lot. */
export async function earnedLotsExpiring(
  db: Database,
  em: EntityManager,
  after: Date,
  until: Date,
): Promise<{ memberId: string; expiresAt: Date; points: number }[]> {
  const rows = await db.execute(
    em,
    `select member_id, expires_at, remaining from points_entry
      where reason = 'EARNED' and remaining > 0 and expires_at > ? and expires_at <= ?`,
    [db.sqlDate(after), db.sqlDate(until)],
  );
  return rows.map((row) => ({ memberId: String(row.member_id), expiresAt: dateOf(row.expires_at)!, points: int(row.remaining) }));
}

/** What the points members hold add up to, and how many members hold any. */
export async function pointsLiability(db: Database, em: EntityManager): Promise<{ points: number; members: number }> {
  const [row] = await db.execute(em, 'select sum(balance) as points, count(*) as members from points_account where balance > 0');
  return { points: int(row?.points), members: int(row?.members) };
}
