import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

export const TAX_CLASSES = ['STANDARD', 'REDUCED', 'EXEMPT'] as const;
export type TaxClass = (typeof TAX_CLASSES)[number];

/**
 * A product and the ids of its brand, category and supplier. Relations stay
 * id columns: loaders batch them, so a page costs a fixed number of queries.
 * `searchText` is a lower-cased digest of everything a shopper might type
 * (name, brand, category path, SKU codes, vehicles); see product-search.ts.
 */
export const ProductEntity = defineEntity({
  name: 'Product',
  tableName: 'product',
  properties: {
    id: p.string().primary(),
    name: p.string(),
    description: p.text().nullable(),
    brandId: p.string(),
    categoryId: p.string(),
    supplierId: p.string().nullable(),
    taxClass: p.string().$type<TaxClass>(),
    active: p.boolean(),
    searchText: p.text(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  },
});
export type Product = InferEntity<typeof ProductEntity>;
