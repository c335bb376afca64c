import type { Database, EntityManager } from '../../../platform/db/database.ts';
import { forUpdate, int } from '../../../platform/db/raw-sql.ts';

/**
 * The SQL that reads and sets members outside the ORM: loyalty changes a
 * member's tier in the transaction that changed their spend, under a locking
 * read, and counts and picks members in bulk without loading them.
 */

/** Which of `ids` are members; one bound parameter an id. */
export async function existingMemberIds(db: Database, em: EntityManager, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.execute(em, `select id from member where id in (${ids.map(() => '?').join(', ')})`, [...ids]);
  return new Set(rows.map((row) => String(row.id)));
}

export async function memberExists(db: Database, tx: EntityManager, memberId: string): Promise<boolean> {
  const rows = await db.execute(tx, 'select id from member where id = ?', [memberId]);
  return rows.length > 0;
}

/** The ids of at most five members with exactly this phone number, oldest first (a till shows a short list). */
export async function memberIdsByPhone(db: Database, em: EntityManager, phone: string): Promise<string[]> {
  const rows = await db.execute(em, 'select id from member where phone = ? order by created_at, id limit 5', [phone]);
  return rows.map((row) => String(row.id));
}

/** The active members of a tier, by id. */
export async function activeMemberIdsOfTier(db: Database, tx: EntityManager, tier: string): Promise<string[]> {
  const rows = await db.execute(tx, "select id from member where tier = ? and status = 'ACTIVE' order by id", [tier]);
  return rows.map((row) => String(row.id));
}

/** The member's tier, or null for an unknown member. */
export async function tierOf(db: Database, tx: EntityManager, memberId: string): Promise<string | null> {
  const [row] = await db.execute(tx, 'select tier from member where id = ?', [memberId]);
  return row ? String(row.tier) : null;
}

/** The member's tier, read with a lock on the member row; null for an unknown member. */
export async function lockedTierOf(db: Database, tx: EntityManager, memberId: string): Promise<string | null> {
  const [row] = await db.execute(tx, `select tier from member where id = ?${forUpdate(db)}`, [memberId]);
  return row ? String(row.tier) : null;
}

export async function setTier(db: Database, tx: EntityManager, memberId: string, tier: string): Promise<void> {
  await db.run(tx, 'update member set tier = ? where id = ?', [tier, memberId]);
}

/** How many members each tier holds (tiers without members are absent). */
export async function membersPerTier(db: Database, em: EntityManager): Promise<Map<string, number>> {
  const rows = await db.execute(em, 'select tier, count(*) as members from member group by tier');
  return new Map(rows.map((row) => [String(row.tier), int(row.members)]));
}
