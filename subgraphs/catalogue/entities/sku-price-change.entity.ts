import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/** The price history of a SKU: one row per change, never updated. */
export const SkuPriceChangeEntity = defineEntity({
  name: 'SkuPriceChange',
  tableName: 'sku_price_change',
  properties: {
    id: p.string().primary(),
    skuCode: p.string(),
    previousMinor: p.integer().nullable(),
    previousCurrency: p.string().nullable(),
    priceMinor: p.integer(),
    currency: p.string(),
    changedBy: p.string().nullable(),
    changedAt: p.datetime(),
  },
});
export type SkuPriceChange = InferEntity<typeof SkuPriceChangeEntity>;
