import type { Database, EntityManager } from '../../platform/db/database.ts';
import { int } from '../../platform/db/raw-sql.ts';
import type { LevelTotals } from './stock-level-repository.ts';

/**
 * The hand-written statements on `stock_movement` (the ledger). Movements
 * are written through the ORM by ledger.ts; what is hand-written is the sum.
 */

/** What the movements add up to per level: what each level's counts must be. */
export async function movementTotals(db: Database, em: EntityManager): Promise<LevelTotals[]> {
  const rows = await db.execute<{ sku_code: string; warehouse_id: string; on_hand: unknown; reserved: unknown }>(
    em,
    `select sku_code, warehouse_id, sum(on_hand_delta) as on_hand, sum(reserved_delta) as reserved
       from stock_movement group by sku_code, warehouse_id`,
  );
  return rows.map((row) => ({
    skuCode: row.sku_code,
    warehouseId: row.warehouse_id,
    onHand: int(row.on_hand),
    reserved: int(row.reserved),
  }));
}
