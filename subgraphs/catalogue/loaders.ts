import type { Database, EntityManager } from '../../platform/db/database.ts';
import { readRows } from '../../platform/db/read-rows.ts';
import { groupedLoader, keyedLoader } from '../../platform/graphql/loaders.ts';
import { BrandEntity } from './entities/brand.entity.ts';
import { CategoryEntity } from './entities/category.entity.ts';
import { FitmentEntity } from './entities/fitment.entity.ts';
import { ProductEntity } from './entities/product.entity.ts';
import { SkuEntity } from './entities/sku.entity.ts';
import { SkuPriceChangeEntity } from './entities/sku-price-change.entity.ts';
import { SupplierEntity } from './entities/supplier.entity.ts';
import { imagesOfProducts } from './image-repository.ts';
import { skusOfProducts } from './product-repository.ts';
import { partNumbersOfSkus } from './search-index-repository.ts';

/**
 * The catalogue's loaders, built fresh for each request (their cache lives one request).
 * All but products and SKUs by key read plain rows (platform/db/read-rows.ts): a
 * catalogue page resolves brands, categories, SKUs and fitments for every
 * product, and making each row a managed entity cost more than the query.
 * They are only read through here (checkReferences and createCategory read
 * names and paths); changes load what they change with `em.findOne` in their
 * transaction and clear the loader they make stale. Products and SKUs by key
 * stay entities: updateProduct's transaction finds the product it loaded
 * before in the identity map.
 */
export function createCatalogueLoaders(em: EntityManager, db: Database) {
  return {
    productById: keyedLoader(
      'product',
      (ids: string[]) => em.find(ProductEntity, { id: { $in: ids } }),
      (p) => p.id,
    ),
    skuByCode: keyedLoader(
      'SKU',
      (codes: string[]) => em.find(SkuEntity, { code: { $in: codes } }),
      (s) => s.code,
    ),
    skusByProductId: groupedLoader(
      (ids: string[]) => skusOfProducts(db, em, ids),
      (s) => s.productId,
    ),
    brandById: keyedLoader(
      'brand',
      (ids: string[]) => readRows(em, BrandEntity, { id: { $in: ids } }),
      (b) => b.id,
    ),
    categoryById: keyedLoader(
      'category',
      (ids: string[]) => readRows(em, CategoryEntity, { id: { $in: ids } }),
      (c) => c.id,
    ),
    categoriesByParentId: groupedLoader(
      (ids: string[]) => readRows(em, CategoryEntity, { parentId: { $in: ids } }, { name: 'asc' }),
      (c) => c.parentId ?? '',
    ),
    supplierById: keyedLoader(
      'supplier',
      (ids: string[]) => readRows(em, SupplierEntity, { id: { $in: ids } }),
      (s) => s.id,
    ),
    fitmentsByProductId: groupedLoader(
      (ids: string[]) => readRows(em, FitmentEntity, { productId: { $in: ids } }, { make: 'asc', model: 'asc', yearFrom: 'asc' }),
      (f) => f.productId,
    ),
    imagesByProductId: groupedLoader(
      (ids: string[]) => imagesOfProducts(db, em, ids),
      (image) => image.productId,
    ),
    partNumbersBySkuCode: groupedLoader(
      (codes: string[]) => partNumbersOfSkus(db, em, codes),
      (part) => part.skuCode,
    ),
    priceChangesBySkuCode: groupedLoader(
      (codes: string[]) => readRows(em, SkuPriceChangeEntity, { skuCode: { $in: codes } }, { changedAt: 'desc', id: 'desc' }),
      (c) => c.skuCode,
    ),
  };
}

export type CatalogueLoaders = ReturnType<typeof createCatalogueLoaders>;
