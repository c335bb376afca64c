import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { demoBrands, demoCategories, demoPartNumbers, demoProducts, demoSuppliers, demoSynonyms } from '../../../demo/car-parts.ts';
import type { Database, EntityManager } from '../../../platform/db/database.ts';
import type { Logger } from '../../../platform/observability/log.ts';
import { newId } from '../../../platform/values/ids.ts';
import { parseMoney } from '../../../platform/values/money.ts';
import { BrandEntity } from '../entities/brand.entity.ts';
import { CategoryEntity } from '../entities/category.entity.ts';
import { FitmentEntity } from '../entities/fitment.entity.ts';
import { ProductEntity } from '../entities/product.entity.ts';
import { SkuEntity } from '../entities/sku.entity.ts';
import { SkuPriceChangeEntity } from '../entities/sku-price-change.entity.ts';
import { SupplierEntity } from '../entities/supplier.entity.ts';
import { insertImages } from '../image-repository.ts';
import { insertPartNumbers, insertTokens, type PartNumber, saveSynonymGroup } from '../search-index-repository.ts';
import { buildSearchText } from '../search-text.ts';
import { documentTokens, type SearchDocument } from '../search-tokens.ts';
import { DEMO_PICTURE_SIZE, demoPicture } from './demo-pictures.ts';

/**
 * Seeds the demo catalogue into an empty database, in one transaction. A
 * catalogue that has any brand is left alone, and when two instances start at
 * once the unique brand names let exactly one of them seed.
 */
export async function seedDemoCatalogue(db: Database, log: Logger): Promise<void> {
  const em = db.fork();
  if ((await em.count(BrandEntity, {})) > 0) return;
  const started = Date.now();
  try {
    await db.transaction(em, async (tx) => {
      const now = new Date();
      const brands = new Map(
        demoBrands.map((brand) => [
          brand.key,
          tx.create(BrandEntity, { id: newId(), name: brand.name, country: brand.country, createdAt: now }),
        ]),
      );
      const suppliers = new Map(
        demoSuppliers.map((supplier) => [
          supplier.key,
          tx.create(SupplierEntity, { id: newId(), name: supplier.name, email: supplier.email, phone: supplier.phone, createdAt: now }),
        ]),
      );
      const categories = new Map<string, { id: string; pathIds: string; pathNames: string; depth: number }>();
      for (const category of demoCategories) {
        const parent = category.parentKey ? categories.get(category.parentKey) : undefined;
        const id = newId();
        const row = tx.create(CategoryEntity, {
          id,
          parentId: parent?.id ?? null,
          name: category.name,
          pathIds: `${parent?.pathIds ?? '/'}${id}/`,
          pathNames: parent ? `${parent.pathNames} / ${category.name}` : category.name,
          depth: parent ? parent.depth + 1 : 0,
          createdAt: now,
        });
        categories.set(category.key, row);
        // Children reference parents and ids are plain columns: flush each category before its children.
        await tx.flush();
      }
      // Each level is flushed before the next: relations are plain id columns, so
      // the unit of work cannot order the inserts by foreign key itself.
      const documents: SeedDocument[] = [];
      const productIds = demoProducts.map((demo) => {
        const brand = brands.get(demo.brandKey)!;
        const category = categories.get(demo.categoryKey)!;
        documents.push({ ...demo, brandName: brand.name, categoryPath: category.pathNames });
        return tx.create(ProductEntity, {
          id: newId(),
          name: demo.name,
          description: demo.description,
          brandId: brand.id,
          categoryId: category.id,
          supplierId: suppliers.get(demo.supplierKey)?.id ?? null,
          taxClass: demo.taxClass,
          active: true,
          searchText: buildSearchText({ ...demo, brandName: brand.name, categoryPath: category.pathNames }),
          createdAt: now,
          updatedAt: now,
        }).id;
      });
      await tx.flush();
      const prices = demoProducts.flatMap((demo, i) => {
        const productId = productIds[i]!;
        for (const fitment of demo.fitments) tx.create(FitmentEntity, { id: newId(), productId, ...fitment });
        return demo.skus.map((sku, position) => {
          const parsed = parseMoney({ amount: sku.priceCny, currencyCode: 'CNY' });
          if (!parsed.ok) throw new Error(`demo SKU ${sku.code}: ${parsed.message}`);
          tx.create(SkuEntity, {
            code: sku.code,
            productId,
            name: sku.name,
            position,
            priceMinor: parsed.money.minor,
            currency: 'CNY',
            attributesJson: JSON.stringify(sku.attributes),
            createdAt: now,
            updatedAt: now,
          });
          return { code: sku.code, minor: parsed.money.minor };
        });
      });
      await tx.flush();
      await seedSearch(db, tx, productIds, now, documents);
      // Each product shows its category's drawn picture (demo-pictures.ts): a few images, shared by hash.
      const pictures = demoProducts.map((demo, i) => {
        const picture = demoPicture(demo.categoryKey);
        return {
          id: newId(),
          productId: productIds[i]!,
          position: 0,
          contentType: 'image/png',
          ...DEMO_PICTURE_SIZE,
          alt: demo.name,
          ...picture,
        };
      });
      await insertImages(db, tx, pictures, now);
      for (const price of prices) {
        tx.create(SkuPriceChangeEntity, {
          id: newId(),
          skuCode: price.code,
          previousMinor: null,
          previousCurrency: null,
          priceMinor: price.minor,
          currency: 'CNY',
          changedBy: 'demo-seed',
          changedAt: now,
        });
      }
    });
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) return; // another instance seeded first
    throw error;
  }
  log.info(`seeded ${demoProducts.length} demo products in ${Date.now() - started} ms`);
}

type SeedDocument = Omit<SearchDocument, 'skus'> & { skus: readonly { code: string; name: string; attributes: { value: string }[] }[] };

/** Part numbers for every demo SKU, the search index of every demo product, and the demo synonym groups. */
async function seedSearch(
  db: Database,
  tx: EntityManager,
  productIds: readonly string[],
  now: Date,
  documents: readonly SeedDocument[],
): Promise<void> {
  const parts: PartNumber[] = [];
  const tokens: { productId: string; token: string; weight: number }[] = [];
  documents.forEach((doc, i) => {
    const skus = doc.skus.map((sku) => {
      const numbers = demoPartNumbers(sku.code);
      parts.push({ skuCode: sku.code, kind: 'MPN', number: numbers.manufacturerPartNumber, brandName: null });
      for (const oe of numbers.oeNumbers) parts.push({ skuCode: sku.code, kind: 'OE', number: oe, brandName: null });
      for (const cross of numbers.crossReferences)
        parts.push({ skuCode: sku.code, kind: 'CROSS', number: cross.number, brandName: cross.brand });
      const partNumbers = [numbers.manufacturerPartNumber, ...numbers.oeNumbers, ...numbers.crossReferences.map((cross) => cross.number)];
      return { ...sku, partNumbers };
    });
    for (const [token, weight] of documentTokens({ ...doc, skus })) tokens.push({ productId: productIds[i]!, token, weight });
  });
  await insertPartNumbers(db, tx, parts);
  await insertTokens(db, tx, tokens);
  for (const phrases of demoSynonyms) await saveSynonymGroup(db, tx, { id: newId(), phrases }, now);
}
