import type { EntityManager } from '../kit/db/database.ts';
import { groupedLoader, keyedLoader } from '../kit/loaders.ts';
import { BrandEntity } from './entities/brand.entity.ts';
import { CategoryEntity } from './entities/category.entity.ts';
import { FitmentEntity } from './entities/fitment.entity.ts';
import { ProductEntity } from './entities/product.entity.ts';
import { SkuEntity } from './entities/sku.entity.ts';
import { SkuPriceChangeEntity } from './entities/sku-price-change.entity.ts';
import { SupplierEntity } from './entities/supplier.entity.ts';

/** The catalogue's loaders, built fresh for each request (their cache lives one request). */
export function createCatalogueLoaders(em: EntityManager) {
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
      (ids: string[]) => em.find(SkuEntity, { productId: { $in: ids } }, { orderBy: { productId: 'asc', position: 'asc' } }),
      (s) => s.productId,
    ),
    brandById: keyedLoader(
      'brand',
      (ids: string[]) => em.find(BrandEntity, { id: { $in: ids } }),
      (b) => b.id,
    ),
    categoryById: keyedLoader(
      'category',
      (ids: string[]) => em.find(CategoryEntity, { id: { $in: ids } }),
      (c) => c.id,
    ),
    categoriesByParentId: groupedLoader(
      (ids: string[]) => em.find(CategoryEntity, { parentId: { $in: ids } }, { orderBy: { name: 'asc' } }),
      (c) => c.parentId ?? '',
    ),
    supplierById: keyedLoader(
      'supplier',
      (ids: string[]) => em.find(SupplierEntity, { id: { $in: ids } }),
      (s) => s.id,
    ),
    fitmentsByProductId: groupedLoader(
      (ids: string[]) => em.find(FitmentEntity, { productId: { $in: ids } }, { orderBy: { make: 'asc', model: 'asc', yearFrom: 'asc' } }),
      (f) => f.productId,
    ),
    priceChangesBySkuCode: groupedLoader(
      (codes: string[]) => em.find(SkuPriceChangeEntity, { skuCode: { $in: codes } }, { orderBy: { changedAt: 'desc', id: 'desc' } }),
      (c) => c.skuCode,
    ),
  };
}

export type CatalogueLoaders = ReturnType<typeof createCatalogueLoaders>;
