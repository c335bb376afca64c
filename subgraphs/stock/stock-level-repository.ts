import type { Database, EntityManager } from '../../platform/db/database.ts';
import { entityColumns, placeholders } from '../../platform/db/entity-rows.ts';
import { int } from '../../platform/db/raw-sql.ts';
import { type StockLevel, StockLevelEntity } from './entities/stock-level.entity.ts';
import { type Warehouse, WarehouseEntity } from './entities/warehouse.entity.ts';
import type { WarehouseStock } from './sourcing.ts';

/**
 * The hand-written statements on `stock_level`: the conditional updates that
 * keep a level consistent under concurrency (ledger.ts says why a level only
 * changes through one), and the reads that join or total it. Every value is
 * a bound parameter; rows come back as typed objects, numbers as numbers
 * (MySQL may answer a BIGINT or a difference as a string).
 */
export type LevelCounts = { onHand: number; reserved: number; version: number };
export type LevelTotals = { skuCode: string; warehouseId: string; onHand: number; reserved: number };
export type SkuTotals = { skuCode: string; onHand: number; reserved: number };

/**
 * Adds the deltas to a level only if the result keeps `0 <= reserved <= onHand`.
 * Resolves with the rows changed: 1, or 0 when the guard refused or the level does not exist.
 */
export function addToLevelIfGuarded(
  db: Database,
  tx: EntityManager,
  change: { skuCode: string; warehouseId: string; onHandDelta: number; reservedDelta: number },
  now: Date,
): Promise<number> {
  return db.run(
    tx,
    `update stock_level
        set on_hand = on_hand + ?, reserved = reserved + ?, version = version + 1, updated_at = ?
      where sku_code = ? and warehouse_id = ?
        and reserved + ? >= 0
        and on_hand + ? >= reserved + ?`,
    [
      change.onHandDelta,
      change.reservedDelta,
      db.sqlDate(now),
      change.skuCode,
      change.warehouseId,
      change.reservedDelta,
      change.onHandDelta,
      change.reservedDelta,
    ],
  );
}

/** A level's counts as the transaction now sees them (after its own change), or null when there is no level. */
export async function levelCounts(db: Database, tx: EntityManager, skuCode: string, warehouseId: string): Promise<LevelCounts | null> {
  const [row] = await db.execute<{ on_hand: unknown; reserved: unknown; version: unknown }>(
    tx,
    'select on_hand, reserved, version from stock_level where sku_code = ? and warehouse_id = ?',
    [skuCode, warehouseId],
  );
  return row ? { onHand: int(row.on_hand), reserved: int(row.reserved), version: int(row.version) } : null;
}

/** Creates an empty level (nothing on hand, nothing reserved) unless it exists; resolves with the rows inserted. */
export function insertEmptyLevel(db: Database, tx: EntityManager, skuCode: string, warehouseId: string, now: Date): Promise<number> {
  return db.run(
    tx,
    `${db.insertIgnore} stock_level (sku_code, warehouse_id, on_hand, reserved, reorder_point, cost_minor, cost_currency, version, updated_at)
     values (?, ?, 0, 0, null, null, null, 0, ?)`,
    [skuCode, warehouseId, db.sqlDate(now)],
  );
}

/** Sets (or clears, with null) a level's reorder point; resolves with the rows changed (0 when there is no level). */
export function updateReorderPoint(
  db: Database,
  tx: EntityManager,
  skuCode: string,
  warehouseId: string,
  reorderPoint: number | null,
): Promise<number> {
  return db.run(tx, 'update stock_level set reorder_point = ? where sku_code = ? and warehouse_id = ?', [
    reorderPoint,
    skuCode,
    warehouseId,
  ]);
}

/** Units of the SKUs free to reserve in active warehouses, with each warehouse's priority; levels with none are left out. */
export async function availableInActiveWarehouses(db: Database, tx: EntityManager, skuCodes: readonly string[]): Promise<WarehouseStock[]> {
  const rows = await db.execute<{ sku_code: string; warehouse_id: string; priority: unknown; available: unknown }>(
    tx,
    `select l.sku_code, l.warehouse_id, w.priority, l.on_hand - l.reserved as available
       from stock_level l join warehouse w on w.id = l.warehouse_id
      where w.active = ? and l.sku_code in (${skuCodes.map(() => '?').join(', ')}) and l.on_hand > l.reserved`,
    [true, ...skuCodes],
  );
  return rows.map((row) => ({
    skuCode: row.sku_code,
    warehouseId: row.warehouse_id,
    priority: int(row.priority),
    available: int(row.available),
  }));
}

/** Every level's on-hand and reserved counts. */
export async function allLevelTotals(db: Database, em: EntityManager): Promise<LevelTotals[]> {
  const rows = await db.execute<{ sku_code: string; warehouse_id: string; on_hand: unknown; reserved: unknown }>(
    em,
    'select sku_code, warehouse_id, on_hand, reserved from stock_level',
  );
  return rows.map((row) => ({
    skuCode: row.sku_code,
    warehouseId: row.warehouse_id,
    onHand: int(row.on_hand),
    reserved: int(row.reserved),
  }));
}

/** How many levels in active warehouses are at or under their reorder point (what lowStockLevels lists, counted). */
export async function countLowStockLevels(db: Database, em: EntityManager): Promise<number> {
  const [row] = await db.execute<{ low: unknown }>(
    em,
    `select count(*) as low
       from stock_level l join warehouse w on w.id = l.warehouse_id
      where w.active = ? and l.reorder_point is not null and l.on_hand - l.reserved <= l.reorder_point`,
    // Booleans are stored as 1 and 0 on both databases.
    [1],
  );
  return int(row?.low);
}

/**
 * The levels of the SKUs, each with its warehouse, in one statement: every
 * SKU on a catalogue page asks for its stock, and the warehouses came in a
 * statement of their own before. Plain rows for reading (platform/db/entity-rows.ts).
 */
export async function levelsWithWarehouses(
  db: Database,
  em: EntityManager,
  skuCodes: readonly string[],
): Promise<{ level: StockLevel; warehouse: Warehouse | null }[]> {
  const levels = entityColumns(em, StockLevelEntity, 'l');
  const warehouses = entityColumns(em, WarehouseEntity, 'w');
  const rows = await db.execute<Record<string, unknown>>(
    em,
    `select ${levels.select}, ${warehouses.select}
       from stock_level l left join warehouse w on w.id = l.warehouse_id
      where l.sku_code in (${placeholders(skuCodes)})`,
    [...skuCodes],
  );
  const warehouse = warehouses.distinct();
  return rows.map((row) => ({ level: levels.read(row)!, warehouse: warehouse(row) }));
}

/**
 * Each SKU's units on hand and reserved over the active warehouses, one row
 * per SKU that has any level there. What a catalogue page shows of stock
 * (`stock { available }`): summed by the database, it is a few numbers per
 * SKU instead of every level and warehouse row, which cost three times as
 * much to read and map.
 */
export async function activeStockTotals(db: Database, em: EntityManager, skuCodes: readonly string[]): Promise<SkuTotals[]> {
  const rows = await db.execute<{ sku_code: string; on_hand: unknown; reserved: unknown }>(
    em,
    `select l.sku_code, sum(l.on_hand) as on_hand, sum(l.reserved) as reserved
       from stock_level l join warehouse w on w.id = l.warehouse_id and w.active = ?
      where l.sku_code in (${placeholders(skuCodes)})
      group by l.sku_code`,
    [true, ...skuCodes],
  );
  return rows.map((row) => ({ skuCode: row.sku_code, onHand: int(row.on_hand), reserved: int(row.reserved) }));
}
