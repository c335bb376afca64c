import { updateOrCreate } from './conflicts.ts';
import type { Database, EntityManager } from './database.ts';
import { forUpdate, int } from './raw-sql.ts';

/**
 * Numbered series (order numbers SO-2026-000123, invoice numbers
 * INV-2026-000001, credit notes CN-2026-000001): one counter row per
 * (name, period) in the subgraph's `number_sequence` table, holding the last
 * value handed out.
 *
 * The period is the calendar year in the shop's business time zone, China
 * Standard Time (Asia/Shanghai, UTC+8, no daylight saving). Official invoice
 * (fapiao) numbering restarts with the tax year, which is the calendar year in
 * Beijing, and an order and its invoice made at 07:00 on 1 January Beijing time
 * carry the same year. Callers pass the instant from their own clock, so tests
 * can pin it.
 *
 * `allocateNext` bumps the counter with an UPDATE inside the caller's
 * transaction: on MySQL its row lock serializes concurrent allocations until
 * commit, on SQLite the single writer does. So committed allocations of a
 * series never repeat and leave no gap, and a transaction that rolls back
 * gives its number back.
 */
export type SequenceKey = { name: string; period: number };

export const BUSINESS_TIME_ZONE = 'Asia/Shanghai';

const businessYearFormat = new Intl.DateTimeFormat('en-US', { timeZone: BUSINESS_TIME_ZONE, year: 'numeric' });

/** The calendar year of `at` in the business time zone. */
export const businessYear = (at: Date): number => Number(businessYearFormat.format(at));

/** The series `name` of the business year `at` falls in. */
export const yearlySequence = (name: string, at: Date): SequenceKey => ({ name, period: businessYear(at) });

/** The series itself as numbers show it: INV-2026. */
export const seriesLabel = (key: SequenceKey): string => `${key.name}-${key.period}`;

/** A number as customers and tax offices see it: INV-2026-000001 (six digits at least). */
export const formatSequenceNumber = (key: SequenceKey, value: number): string => `${seriesLabel(key)}-${String(value).padStart(6, '0')}`;

/**
 * Creates the series' counter row if it is missing, in its own transaction,
 * before the caller's: on MySQL two transactions that each found no row and
 * then inserted it would deadlock on the gap between them. Optional (the
 * allocation creates a missing row too), it spares a racing first allocation
 * of a period that deadlock and its retry.
 */
export async function prepareSequence(db: Database, key: SequenceKey): Promise<void> {
  await db.transaction(db.fork(), (tx) => insertCounter(db, tx, key));
}

/**
 * Inside `tx`: the next value of the series (1 for its first). The UPDATE
 * comes first; only when it finds no row is the row created and bumped (see
 * updateOrCreate). On MySQL, racing first allocations of a period without
 * prepareSequence may deadlock: the loser changed nothing, and runs again
 * under retryOnLockConflict.
 */
export async function allocateNext(db: Database, tx: EntityManager, key: SequenceKey): Promise<number> {
  await updateOrCreate(
    () => db.run(tx, 'update number_sequence set last_value = last_value + 1 where name = ? and period = ?', [key.name, key.period]),
    () => insertCounter(db, tx, key),
  );
  // The row is locked by this transaction's UPDATE; the locking read reads its value, not an older snapshot.
  const [row] = await db.execute<{ last_value: unknown }>(
    tx,
    `select last_value from number_sequence where name = ? and period = ?${forUpdate(db)}`,
    [key.name, key.period],
  );
  if (!row) throw new Error(`sequence ${seriesLabel(key)} has no counter row`);
  return int(row.last_value);
}

/** The last value handed out of the series, 0 before its first. */
export async function lastAllocated(db: Database, em: EntityManager, key: SequenceKey): Promise<number> {
  const [row] = await db.execute<{ last_value: unknown }>(em, 'select last_value from number_sequence where name = ? and period = ?', [
    key.name,
    key.period,
  ]);
  return int(row?.last_value);
}

const insertCounter = (db: Database, tx: EntityManager, key: SequenceKey) =>
  db.run(tx, `${db.insertIgnore} number_sequence (name, period, last_value) values (?, ?, 0)`, [key.name, key.period]);
