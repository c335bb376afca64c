import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/**
 * The stock of one SKU in one warehouse. Changed only by ledger.ts, through
 * one conditional UPDATE that keeps `0 <= reserved <= onHand` (and CHECK
 * constraints repeat the rule in the database). `version` counts changes,
 * so a consumer of StockChanged events can drop one that arrives late.
 * `costMinor` is the moving-average unit cost in `costCurrency`.
 */
export const StockLevelEntity = defineEntity({
  name: 'StockLevel',
  tableName: 'stock_level',
  properties: {
    skuCode: p.string().primary(),
    warehouseId: p.string().primary(),
    onHand: p.integer(),
    reserved: p.integer(),
    reorderPoint: p.integer().nullable(),
    costMinor: p.integer().nullable(),
    costCurrency: p.string().nullable(),
    version: p.integer(),
    updatedAt: p.datetime(),
  },
});
export type StockLevel = InferEntity<typeof StockLevelEntity>;
