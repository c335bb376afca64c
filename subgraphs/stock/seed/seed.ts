import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { demoProducts } from '../../../demo/car-parts.ts';
import type { Database } from '../../../platform/db/database.ts';
import type { Logger } from '../../../platform/observability/log.ts';
import { newId } from '../../../platform/values/ids.ts';
import { parseMoney } from '../../../platform/values/money.ts';
import { StockLevelEntity } from '../entities/stock-level.entity.ts';
import { StockMovementEntity } from '../entities/stock-movement.entity.ts';
import { WarehouseEntity } from '../entities/warehouse.entity.ts';

/** Warehouses in several regions and a store, so sourcing and the dashboard have something to work with. */
export const DEMO_WAREHOUSES = [
  { code: 'SH-01', name: 'Shanghai Pudong', region: 'East', priority: 1 },
  { code: 'BJ-01', name: 'Beijing Daxing', region: 'North', priority: 2 },
  { code: 'GZ-01', name: 'Guangzhou Baiyun', region: 'South', priority: 3 },
  { code: 'CD-01', name: 'Chengdu Shuangliu', region: 'West', priority: 4 },
  { code: 'SH-STORE-01', name: 'Shanghai Xuhui store', region: 'East', priority: 10 },
] as const;

/** A small deterministic hash: the same demo stock on every machine. */
function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/**
 * Seeds the demo warehouses and stock for every demo SKU into an empty stock
 * database: each level gets one RECEIPT movement for its units, so the ledger
 * reconciles from the start. About one SKU in ten is out of stock everywhere
 * and some levels sit under their reorder point.
 */
export async function seedDemoStock(db: Database, log: Logger): Promise<void> {
  const em = db.fork();
  if ((await em.count(WarehouseEntity, {})) > 0) return;
  const started = Date.now();
  try {
    await db.transaction(em, async (tx) => {
      const now = new Date();
      const warehouses = DEMO_WAREHOUSES.map((warehouse) =>
        tx.create(WarehouseEntity, { id: newId(), ...warehouse, active: true, createdAt: now }),
      );
      await tx.flush();
      for (const product of demoProducts) {
        for (const sku of product.skus) {
          const h = hash(sku.code);
          const outOfStock = h % 10 === 0;
          const price = parseMoney({ amount: sku.priceCny, currencyCode: 'CNY' });
          const costMinor = price.ok ? Math.round(price.money.minor * 0.6) : null;
          warehouses.forEach((warehouse, i) => {
            // Most SKUs are in two to four warehouses; the store keeps a few fast movers.
            if (((h >>> (i * 3)) & 7) > (i === warehouses.length - 1 ? 1 : 4)) return;
            const onHand = outOfStock ? 0 : ((h >>> (i * 2 + 5)) % 60) + (i === 0 ? 3 : 0);
            const reorderPoint = 5 + ((h >>> 11) % 10);
            tx.create(StockLevelEntity, {
              skuCode: sku.code,
              warehouseId: warehouse.id,
              onHand,
              reserved: 0,
              reorderPoint,
              costMinor,
              costCurrency: costMinor === null ? null : 'CNY',
              version: onHand > 0 ? 1 : 0,
              updatedAt: now,
            });
            if (onHand > 0) {
              tx.create(StockMovementEntity, {
                id: newId(),
                skuCode: sku.code,
                warehouseId: warehouse.id,
                kind: 'RECEIPT',
                quantity: onHand,
                onHandDelta: onHand,
                reservedDelta: 0,
                reference: 'DEMO-OPENING-STOCK',
                reason: 'opening stock',
                actor: 'demo-seed',
                createdAt: now,
              });
            }
          });
        }
      }
    });
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) return; // another instance seeded first
    throw error;
  }
  log.info(`seeded ${DEMO_WAREHOUSES.length} warehouses and demo stock in ${Date.now() - started} ms`);
}
