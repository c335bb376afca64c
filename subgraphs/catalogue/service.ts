import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '../../platform/db/database.ts';
import { transactWithRetry } from '../../platform/db/raw-sql.ts';
import { badUserInput } from '../../platform/graphql/errors.ts';
import { loadOrNull } from '../../platform/graphql/loaders.ts';
import { failed, succeeded } from '../../platform/graphql/user-errors.ts';
import { EMAIL } from '../../platform/graphql/validation.ts';
import { newId } from '../../platform/values/ids.ts';
import type { CatalogueContext } from './context.ts';
import { type Brand, BrandEntity } from './entities/brand.entity.ts';
import { type Category, CategoryEntity } from './entities/category.entity.ts';
import { FitmentEntity } from './entities/fitment.entity.ts';
import { type Product, ProductEntity } from './entities/product.entity.ts';
import { type Sku, SkuEntity, skuAttributes } from './entities/sku.entity.ts';
import { SkuPriceChangeEntity } from './entities/sku-price-change.entity.ts';
import { type Supplier, SupplierEntity } from './entities/supplier.entity.ts';
import { recordBrandChanged, recordCategoryTreeChanged, recordProductChanged, recordSupplierChanged } from './events.ts';
import { vehicleRanges } from './fitment-repository.ts';
import {
  type CatalogueErrors,
  type CheckedSku,
  type CreateProductInput,
  checkDescription,
  checkFitments,
  checkPrice,
  checkSkus,
  checkText,
  type FitmentInput,
  LIMITS,
  type MoneyInput,
  newErrors,
  type UpdateProductInput,
} from './product-input.ts';
import { lockProductForIndex, reindexProduct } from './search-index-repository.ts';
import { buildSearchText } from './search-text.ts';

export { searchProducts } from './product-search.ts';

/**
 * The catalogue's domain logic. Every method takes the request context first;
 * mutations validate everything before they write, write in one transaction,
 * and answer business failures as user errors.
 */

export const productById = (ctx: CatalogueContext, id: string) => loadOrNull(ctx.loaders.productById, id);
export const skuByCode = (ctx: CatalogueContext, code: string) => loadOrNull(ctx.loaders.skuByCode, code);
export async function skusByCodes(ctx: CatalogueContext, codes: readonly string[]) {
  if (codes.length > 500) throw badUserInput(`codes may hold at most 500 SKU codes; received ${codes.length}`, 'codes');
  return Promise.all(codes.map((code) => skuByCode(ctx, code)));
}
export const brandById = (ctx: CatalogueContext, id: string) => loadOrNull(ctx.loaders.brandById, id);
export const categoryById = (ctx: CatalogueContext, id: string) => loadOrNull(ctx.loaders.categoryById, id);
export const supplierById = (ctx: CatalogueContext, id: string) => loadOrNull(ctx.loaders.supplierById, id);

export const rootCategories = (ctx: CatalogueContext) => ctx.em.find(CategoryEntity, { parentId: null }, { orderBy: { name: 'asc' } });
export const brands = (ctx: CatalogueContext) => ctx.em.find(BrandEntity, {}, { orderBy: { name: 'asc' } });
export const suppliers = (ctx: CatalogueContext) => ctx.em.find(SupplierEntity, {}, { orderBy: { name: 'asc' } });

export const vehicles = (ctx: CatalogueContext) => vehicleRanges(ctx.db, ctx.em);

type References = { brand: Brand | null; category: Category | null; supplier: Supplier | null };

/** Looks up the brand, category and supplier an input names, reporting the unknown ones. */
async function checkReferences(
  ctx: CatalogueContext,
  errors: CatalogueErrors,
  ids: { brandId?: string | null; categoryId?: string | null; supplierId?: string | null },
): Promise<References> {
  const [brand, category, supplier] = await Promise.all([
    ids.brandId ? brandById(ctx, ids.brandId) : null,
    ids.categoryId ? categoryById(ctx, ids.categoryId) : null,
    ids.supplierId ? supplierById(ctx, ids.supplierId) : null,
  ]);
  if (ids.brandId && !brand) errors.add('UNKNOWN_BRAND', 'input.brandId', `input.brandId does not name a brand; received "${ids.brandId}"`);
  if (ids.categoryId && !category) {
    errors.add('UNKNOWN_CATEGORY', 'input.categoryId', `input.categoryId does not name a category; received "${ids.categoryId}"`);
  }
  if (ids.supplierId && !supplier) {
    errors.add('UNKNOWN_SUPPLIER', 'input.supplierId', `input.supplierId does not name a supplier; received "${ids.supplierId}"`);
  }
  return { brand, category, supplier };
}

function duplicateSku(code: string | null) {
  const message = code
    ? `SKU code "${code}" is already used by another product`
    : 'one of the SKU codes is already used by another product';
  return failed('product', [{ code: 'DUPLICATE_SKU_CODE' as const, field: 'input.skus', message }]);
}

export async function createProduct(ctx: CatalogueContext, input: CreateProductInput) {
  const errors = newErrors();
  const name = checkText(errors, 'input.name', input.name, LIMITS.name);
  const description = checkDescription(errors, input.description);
  const skus = checkSkus(errors, input.skus);
  const fitments = checkFitments(errors, input.fitments ?? []);
  const { brand, category } = await checkReferences(ctx, errors, input);
  const taken = await ctx.em.find(SkuEntity, { code: { $in: skus.map((sku) => sku.code) } });
  for (const sku of taken) {
    const index = input.skus.findIndex((candidate) => candidate.code === sku.code);
    errors.add('DUPLICATE_SKU_CODE', `input.skus[${index}].code`, `SKU code "${sku.code}" is already used by another product`);
  }
  if (errors.any || !brand || !category) return failed('product', errors);

  try {
    const product = await ctx.db.transaction(ctx.em, async (em) => {
      const now = new Date();
      const product = em.create(ProductEntity, {
        id: newId(),
        name,
        description,
        brandId: brand.id,
        categoryId: category.id,
        supplierId: input.supplierId ?? null,
        taxClass: input.taxClass ?? 'STANDARD',
        active: true,
        searchText: buildSearchText({ name, description, brandName: brand.name, categoryPath: category.pathNames, skus, fitments }),
        createdAt: now,
        updatedAt: now,
      });
      // Relations are plain id columns, so the unit of work cannot order inserts by
      // foreign key; flushing each level first keeps parents ahead of children.
      await em.flush();
      skus.forEach((sku, position) => {
        createSku(em, product.id, sku, position, now);
      });
      createFitments(em, product.id, fitments);
      await em.flush();
      await reindexProduct(ctx.db, em, product.id, { isNew: true });
      for (const sku of skus) recordPriceChange(em, sku.code, null, sku.price, ctx.identity.subject, now);
      await recordProductChanged(ctx.events, em, product.id);
      return product;
    });
    return succeeded('product', product);
  } catch (error) {
    // Two staff creating the same code at once: the primary key decides, the loser gets a user error.
    if (error instanceof UniqueConstraintViolationException) return duplicateSku(null);
    throw error;
  }
}

function createSku(em: EntityManager, productId: string, sku: CheckedSku, position: number, now: Date): Sku {
  return em.create(SkuEntity, {
    code: sku.code,
    productId,
    name: sku.name,
    position,
    priceMinor: sku.price.minor,
    currency: sku.price.currency,
    attributesJson: JSON.stringify(sku.attributes),
    createdAt: now,
    updatedAt: now,
  });
}

function createFitments(em: EntityManager, productId: string, fitments: readonly FitmentInput[]): void {
  for (const fitment of fitments) em.create(FitmentEntity, { id: newId(), productId, ...fitment });
}

function recordPriceChange(
  em: EntityManager,
  skuCode: string,
  previous: { minor: number; currency: string } | null,
  price: { minor: number; currency: string },
  actor: string | null,
  now: Date,
): void {
  em.create(SkuPriceChangeEntity, {
    id: newId(),
    skuCode,
    previousMinor: previous?.minor ?? null,
    previousCurrency: previous?.currency ?? null,
    priceMinor: price.minor,
    currency: price.currency,
    changedBy: actor,
    changedAt: now,
  });
}

export async function updateProduct(ctx: CatalogueContext, input: UpdateProductInput) {
  const errors = newErrors();
  const existing = await productById(ctx, input.id);
  if (!existing)
    return failed('product', [{ code: 'UNKNOWN_PRODUCT' as const, field: 'input.id', message: `no product with id "${input.id}"` }]);
  const name = input.name === null || input.name === undefined ? existing.name : checkText(errors, 'input.name', input.name, LIMITS.name);
  const description = input.description === undefined ? (existing.description ?? null) : checkDescription(errors, input.description);
  const fitments = input.fitments ? checkFitments(errors, input.fitments) : null;
  const refs = await checkReferences(ctx, errors, {
    brandId: input.brandId ?? existing.brandId,
    categoryId: input.categoryId ?? existing.categoryId,
    supplierId: input.supplierId,
  });
  if (errors.any || !refs.brand || !refs.category) return failed('product', errors);

  // Retried on a lost lock race: rewriting the search index deletes and inserts index rows, and on
  // InnoDB concurrent writes to neighbouring products can deadlock on the index gaps (nothing was changed then).
  const product = await transactWithRetry(ctx.db, ctx.em, async (em) => {
    await lockProductForIndex(ctx.db, em, input.id);
    // refresh: a retried attempt must not take the entity the failed attempt changed from the identity map
    // (it would see no change to flush, and the rename would be lost with the rolled-back attempt).
    const product = await em.findOneOrFail(ProductEntity, { id: input.id }, { refresh: true });
    const skus = await em.find(SkuEntity, { productId: product.id }, { orderBy: { position: 'asc' } });
    if (fitments) {
      await em.nativeDelete(FitmentEntity, { productId: product.id });
      createFitments(em, product.id, fitments);
    }
    const currentFitments = fitments ?? (await em.find(FitmentEntity, { productId: product.id }));
    product.name = name;
    product.description = description;
    product.brandId = refs.brand!.id;
    product.categoryId = refs.category!.id;
    if (input.supplierId !== undefined) product.supplierId = input.supplierId;
    if (input.taxClass) product.taxClass = input.taxClass;
    if (input.active !== null && input.active !== undefined) product.active = input.active;
    product.searchText = buildSearchText({
      name,
      description,
      brandName: refs.brand!.name,
      categoryPath: refs.category!.pathNames,
      skus: skus.map((sku) => ({ code: sku.code, name: sku.name, attributes: skuAttributes(sku) })),
      fitments: currentFitments,
    });
    product.updatedAt = new Date();
    await em.flush();
    // The search index follows the product in the same transaction (search-index-repository.ts).
    await reindexProduct(ctx.db, em, product.id);
    await recordProductChanged(ctx.events, em, product.id);
    return product;
  });
  ctx.loaders.fitmentsByProductId.clear(product.id);
  return succeeded('product', product);
}

export async function setSkuPrice(ctx: CatalogueContext, input: { code: string; price: MoneyInput }) {
  const errors = newErrors();
  const price = checkPrice(errors, 'input.price', input.price);
  if (!price) return failed('sku', errors);
  const sku = await ctx.db.transaction(ctx.em, async (em) => {
    const sku = await em.findOne(SkuEntity, { code: input.code });
    if (!sku) return null;
    const now = new Date();
    recordPriceChange(em, sku.code, { minor: sku.priceMinor, currency: sku.currency }, price, ctx.identity.subject, now);
    sku.priceMinor = price.minor;
    sku.currency = price.currency;
    sku.updatedAt = now;
    await recordProductChanged(ctx.events, em, sku.productId);
    return sku;
  });
  if (!sku) return failed('sku', [{ code: 'UNKNOWN_SKU' as const, field: 'input.code', message: `no SKU with code "${input.code}"` }]);
  ctx.loaders.priceChangesBySkuCode.clear(sku.code);
  return succeeded('sku', sku);
}

function duplicateName(key: string, what: string, name: string) {
  return failed(key, [{ code: 'DUPLICATE_NAME' as const, field: 'input.name', message: `a ${what} named "${name}" already exists` }]);
}

export async function createBrand(ctx: CatalogueContext, input: { name: string; country?: string | null }) {
  const errors = newErrors();
  const name = checkText(errors, 'input.name', input.name, 120);
  const country = input.country ? checkText(errors, 'input.country', input.country, 80) : null;
  if (errors.any) return failed('brand', errors);
  if (await ctx.em.findOne(BrandEntity, { name })) return duplicateName('brand', 'brand', name);
  try {
    const brand = await ctx.db.transaction(ctx.em, async (em) => {
      const brand = em.create(BrandEntity, { id: newId(), name, country, createdAt: new Date() });
      recordBrandChanged(ctx.events, em, brand.id);
      return brand;
    });
    return succeeded('brand', brand);
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) return duplicateName('brand', 'brand', name);
    throw error;
  }
}

export async function createSupplier(ctx: CatalogueContext, input: { name: string; email?: string | null; phone?: string | null }) {
  const errors = newErrors();
  const name = checkText(errors, 'input.name', input.name, 200);
  const email = input.email?.trim() || null;
  if (email && !EMAIL.test(email)) {
    errors.add('INVALID_VALUE', 'input.email', `input.email must be an email address; received "${input.email}"`);
  }
  const phone = input.phone ? checkText(errors, 'input.phone', input.phone, 40) : null;
  if (errors.any) return failed('supplier', errors);
  if (await ctx.em.findOne(SupplierEntity, { name })) return duplicateName('supplier', 'supplier', name);
  try {
    const supplier = await ctx.db.transaction(ctx.em, async (em) => {
      const supplier = em.create(SupplierEntity, { id: newId(), name, email, phone, createdAt: new Date() });
      recordSupplierChanged(ctx.events, em, supplier.id);
      return supplier;
    });
    return succeeded('supplier', supplier);
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) return duplicateName('supplier', 'supplier', name);
    throw error;
  }
}

export async function createCategory(ctx: CatalogueContext, input: { name: string; parentId?: string | null }) {
  const errors = newErrors();
  const name = checkText(errors, 'input.name', input.name, 120);
  const parent = input.parentId ? await categoryById(ctx, input.parentId) : null;
  if (input.parentId && !parent) {
    errors.add('UNKNOWN_CATEGORY', 'input.parentId', `input.parentId does not name a category; received "${input.parentId}"`);
  }
  if (errors.any) return failed('category', errors);
  const category = await ctx.db.transaction(ctx.em, async (em) => {
    const sibling = await em.findOne(CategoryEntity, { parentId: parent?.id ?? null, name });
    if (sibling) return null;
    const id = newId();
    recordCategoryTreeChanged(ctx.events, em, id, parent?.id ?? null);
    return em.create(CategoryEntity, {
      id,
      parentId: parent?.id ?? null,
      name,
      pathIds: `${parent?.pathIds ?? '/'}${id}/`,
      pathNames: parent ? `${parent.pathNames} / ${name}` : name,
      depth: parent ? parent.depth + 1 : 0,
      createdAt: new Date(),
    });
  });
  if (!category) return duplicateName('category', 'category under this parent', name);
  return succeeded('category', category);
}

/** What `Product.skus`, `Sku.product` and friends resolve through: the request's loaders. */
export const skusOf = (ctx: CatalogueContext, product: Product) => ctx.loaders.skusByProductId.load(product.id);
export const fitmentsOf = (ctx: CatalogueContext, product: Product) => ctx.loaders.fitmentsByProductId.load(product.id);
export const childrenOf = (ctx: CatalogueContext, category: Category) => ctx.loaders.categoriesByParentId.load(category.id);
export const priceHistoryOf = (ctx: CatalogueContext, sku: Sku) => ctx.loaders.priceChangesBySkuCode.load(sku.code);
