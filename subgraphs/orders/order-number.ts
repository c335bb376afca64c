import { updateOrCreate } from '../../platform/db/conflicts.ts';
import type { Database, EntityManager } from '../../platform/db/database.ts';

/**
 * The next order number of the year, such as SO-2026-000123. The year's
 * counter row is bumped with an UPDATE (a row lock on MySQL, the single
 * writer on SQLite) inside the order's own transaction: numbers never repeat,
 * and a rolled-back checkout gives its number back.
 * Only the first checkout of a year creates the row (see updateOrCreate).
 */
export async function nextOrderNumber(db: Database, tx: EntityManager, now = new Date()): Promise<string> {
  const year = now.getUTCFullYear();
  await updateOrCreate(
    () => db.run(tx, 'update order_number_sequence set last_value = last_value + 1 where year = ?', [year]),
    () => db.run(tx, `${db.insertIgnore} order_number_sequence (year, last_value) values (?, 0)`, [year]),
  );
  const [row] = await db.execute<{ last_value: number }>(tx, 'select last_value from order_number_sequence where year = ?', [year]);
  return `SO-${year}-${String(Number(row!.last_value)).padStart(6, '0')}`;
}
