import { BrandEntity } from './brand.entity.ts';
import { CategoryEntity } from './category.entity.ts';
import { FitmentEntity } from './fitment.entity.ts';
import { ProductEntity } from './product.entity.ts';
import { SkuEntity } from './sku.entity.ts';
import { SkuPriceChangeEntity } from './sku-price-change.entity.ts';
import { SupplierEntity } from './supplier.entity.ts';

export const catalogueEntities = [
  BrandEntity,
  CategoryEntity,
  SupplierEntity,
  ProductEntity,
  SkuEntity,
  SkuPriceChangeEntity,
  FitmentEntity,
];
