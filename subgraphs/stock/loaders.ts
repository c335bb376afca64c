import type { Database, EntityManager } from '../../platform/db/database.ts';
import { readRows } from '../../platform/db/read-rows.ts';
import { groupedLoader, keyedLoader } from '../../platform/graphql/loaders.ts';
import { PurchaseOrderLineEntity } from './entities/purchase-order.entity.ts';
import { ReceiptLineEntity } from './entities/receipt.entity.ts';
import { ReservationLineEntity } from './entities/reservation.entity.ts';
import { WarehouseEntity } from './entities/warehouse.entity.ts';
import { activeStockTotals, levelsWithWarehouses } from './stock-level-repository.ts';

/**
 * The stock subgraph's loaders, fresh per request. Warehouses and levels are
 * read as plain rows (readRows): every SKU on a catalogue page asks for its
 * levels, and making each row a managed entity was most of that request's
 * CPU. Nothing changes them through a loader: writes go through ledger.ts's
 * conditional UPDATEs and their own `findOneOrFail` in a transaction.
 */
export function createStockLoaders(em: EntityManager, db: Database) {
  const warehouseById = keyedLoader(
    'warehouse',
    (ids: string[]) => readRows(em, WarehouseEntity, { id: { $in: ids } }),
    (w) => w.id,
  );
  return {
    warehouseById,
    // Each level comes with its warehouse, which primes warehouseById: a page's stock is one statement.
    levelsBySku: groupedLoader(
      async (codes: string[]) => {
        const rows = await levelsWithWarehouses(db, em, codes);
        for (const { warehouse } of rows) if (warehouse) warehouseById.prime(warehouse.id, warehouse);
        return rows.map((row) => row.level);
      },
      (level) => level.skuCode,
    ),
    // A SKU without a level in an active warehouse has no row: the grouped loader's empty list stands for zero.
    totalsBySku: groupedLoader(
      (codes: string[]) => activeStockTotals(db, em, codes),
      (totals) => totals.skuCode,
    ),
    reservationLines: groupedLoader(
      (references: string[]) =>
        em.find(ReservationLineEntity, { reference: { $in: references } }, { orderBy: { skuCode: 'asc', warehouseId: 'asc' } }),
      (line) => line.reference,
    ),
    receiptLines: groupedLoader(
      (ids: string[]) => em.find(ReceiptLineEntity, { receiptId: { $in: ids } }, { orderBy: { receiptId: 'asc', position: 'asc' } }),
      (line) => line.receiptId,
    ),
    purchaseOrderLines: groupedLoader(
      (ids: string[]) =>
        em.find(PurchaseOrderLineEntity, { purchaseOrderId: { $in: ids } }, { orderBy: { purchaseOrderId: 'asc', position: 'asc' } }),
      (line) => line.purchaseOrderId,
    ),
  };
}

export type StockLoaders = ReturnType<typeof createStockLoaders>;
