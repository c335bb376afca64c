import { retryOnLockConflict } from './conflicts.ts';
import type { Database, EntityManager } from './database.ts';

/**
 * Small helpers for raw SQL that must read the same on SQLite and MySQL.
 *
 * `forUpdate` is appended to a SELECT of rows the transaction is about to
 * change. On MySQL a locking read sees the latest committed rows and holds
 * them (a plain read would see the transaction's snapshot, which may be older
 * than a lock it already holds); SQLite serializes writing transactions, so a
 * plain read is already current there.
 */
export const forUpdate = (db: Database) => (db.dialect === 'mysql' ? ' for update' : '');

/** A number column as raw SQL returns it (MySQL may give a BIGINT or a SUM as a string). */
export const int = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));

/** A datetime column as raw SQL returns it: epoch milliseconds on SQLite, a Date (or a string) on MySQL. */
export function dateOf(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  if (typeof value === 'number' || /^\d+$/.test(String(value))) return new Date(Number(value));
  return new Date(`${String(value).replace(' ', 'T')}${/[zZ]|[+-]\d\d:?\d\d$/.test(String(value)) ? '' : 'Z'}`);
}

/** `db.transaction`, run again when it loses a lock race on MySQL (it changed nothing then). */
export function transactWithRetry<T>(db: Database, em: EntityManager, work: (tx: EntityManager) => Promise<T>): Promise<T> {
  return retryOnLockConflict(() => db.transaction(em, work));
}
