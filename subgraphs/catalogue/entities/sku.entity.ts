import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

export type SkuAttribute = { name: string; value: string };

/**
 * A sellable variant, keyed by its code across the whole graph
 * (`Sku @key(fields: "code")`). The current price lives on the row (minor
 * units and currency); every change is also kept in `sku_price_change`.
 * Attributes are a small JSON list on the row: they are always read with
 * the SKU, so a separate table would only add a query per page.
 */
export const SkuEntity = defineEntity({
  name: 'Sku',
  tableName: 'sku',
  properties: {
    code: p.string().primary(),
    productId: p.string(),
    name: p.string(),
    position: p.integer(),
    priceMinor: p.integer(),
    currency: p.string(),
    attributesJson: p.text(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  },
});
export type Sku = InferEntity<typeof SkuEntity>;

export function skuAttributes(sku: Sku): SkuAttribute[] {
  return JSON.parse(sku.attributesJson) as SkuAttribute[];
}
