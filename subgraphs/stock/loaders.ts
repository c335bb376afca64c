import type { EntityManager } from '../../platform/db/database.ts';
import { readRows } from '../../platform/db/read-rows.ts';
import { groupedLoader, keyedLoader } from '../../platform/graphql/loaders.ts';
import { PurchaseOrderLineEntity } from './entities/purchase-order.entity.ts';
import { ReceiptLineEntity } from './entities/receipt.entity.ts';
import { ReservationLineEntity } from './entities/reservation.entity.ts';
import { StockLevelEntity } from './entities/stock-level.entity.ts';
import { WarehouseEntity } from './entities/warehouse.entity.ts';

/**
 * The stock subgraph's loaders, fresh per request. Warehouses and levels are
 * read as plain rows (readRows): every SKU on a catalogue page asks for its
 * levels, and making each row a managed entity was most of that request's
 * CPU. Nothing changes them through a loader: writes go through ledger.ts's
 * conditional UPDATEs and their own `findOneOrFail` in a transaction.
 */
export function createStockLoaders(em: EntityManager) {
  return {
    warehouseById: keyedLoader(
      'warehouse',
      (ids: string[]) => readRows(em, WarehouseEntity, { id: { $in: ids } }),
      (w) => w.id,
    ),
    levelsBySku: groupedLoader(
      (codes: string[]) => readRows(em, StockLevelEntity, { skuCode: { $in: codes } }),
      (level) => level.skuCode,
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
