import type { EntityManager } from '../../platform/db/database.ts';
import type { EventRecorder } from '../../platform/events/outbox.ts';
import { SkuEntity } from './entities/sku.entity.ts';

/*
 * Every event the catalogue subgraph publishes, in one place. It consumes
 * none.
 *
 * Published (through the outbox, in the transaction of the change), each
 * naming the keys of the entities whose answers changed, so that whoever
 * keeps answers (the router's entity cache, docs/architecture.md §12) drops
 * exactly those:
 * - ProductChanged: a product was created or updated, a price of one of
 *   its SKUs was set, or a picture of it was added, removed or reordered. A product's answer shows its SKUs and their prices,
 *   and a SKU's answer shows its product (and through it the other SKUs), so
 *   the event names the product and every SKU code it has.
 * - BrandChanged: a brand was created.
 * - CategoryTreeChanged: a category was created. Any category's, product's or
 *   SKU's answer may show a category's children, so this names the new
 *   category and its parent but the router drops every answer of those types
 *   (their declarations say so); a rare staff action.
 * - SupplierChanged: a supplier was created.
 */

export const PRODUCT_CHANGED = 'ProductChanged';
export const BRAND_CHANGED = 'BrandChanged';
export const CATEGORY_TREE_CHANGED = 'CategoryTreeChanged';
export const SUPPLIER_CHANGED = 'SupplierChanged';

export type ProductChangedData = { productId: string; skuCodes: string[] };
export type BrandChangedData = { brandId: string };
export type CategoryTreeChangedData = { categoryId: string; parentId: string | null };
export type SupplierChangedData = { supplierId: string };

/**
 * Records ProductChanged in the transaction `tx` of the change: the product
 * and every SKU it has after the change (read in the same transaction, so a
 * SKU created in it is named too, once flushed).
 */
export async function recordProductChanged(events: EventRecorder, tx: EntityManager, productId: string): Promise<void> {
  await tx.flush();
  const skus = await tx.find(SkuEntity, { productId }, { orderBy: { position: 'asc' } });
  events.record<ProductChangedData>(tx, PRODUCT_CHANGED, productId, { productId, skuCodes: skus.map((sku) => sku.code) });
}

export function recordBrandChanged(events: EventRecorder, tx: EntityManager, brandId: string): void {
  events.record<BrandChangedData>(tx, BRAND_CHANGED, brandId, { brandId });
}

export function recordCategoryTreeChanged(events: EventRecorder, tx: EntityManager, categoryId: string, parentId: string | null): void {
  events.record<CategoryTreeChangedData>(tx, CATEGORY_TREE_CHANGED, categoryId, { categoryId, parentId });
}

export function recordSupplierChanged(events: EventRecorder, tx: EntityManager, supplierId: string): void {
  events.record<SupplierChangedData>(tx, SUPPLIER_CHANGED, supplierId, { supplierId });
}
