import type { Database, EntityManager } from '../../platform/db/database.ts';

/**
 * The hand-written statement on `purchase_order_line`: received units are
 * counted by a conditional update, like the levels, so two racing receipts
 * can never together receive more than was ordered.
 */

/** Adds `quantity` received units to the line unless that passes what was ordered; resolves with the rows changed (1 or 0). */
export function addReceivedUnits(db: Database, tx: EntityManager, lineId: string, quantity: number): Promise<number> {
  return db.run(
    tx,
    'update purchase_order_line set quantity_received = quantity_received + ? where id = ? and quantity_received + ? <= quantity_ordered',
    [quantity, lineId, quantity],
  );
}
