import type { TestSubgraph } from '../../../platform/testing/subgraph-client.ts';
import { staff } from '../../../platform/testing/subgraph-client.ts';
import { FitmentEntity } from '../entities/fitment.entity.ts';
import { ProductEntity } from '../entities/product.entity.ts';
import { SkuEntity } from '../entities/sku.entity.ts';
import { SkuPriceChangeEntity } from '../entities/sku-price-change.entity.ts';

/** Shared documents and set-up for the catalogue's tests. */
export const writer = staff('catalogue:write');

export const CREATE_PRODUCT = `mutation ($input: CreateProductInput!) {
  createProduct(input: $input) {
    product { id name taxClass brand { name } category { name path } skus { code name price { amount currencyCode } attributes { name value } } fitments { make model yearFrom yearTo } }
    userErrors { code field message }
  }
}`;

export const SET_SKU_PRICE = `mutation ($input: SetSkuPriceInput!) {
  setSkuPrice(input: $input) {
    sku { code price { amount currencyCode } priceHistory { price { amount } previousPrice { amount } changedBy } }
    userErrors { code field message }
  }
}`;

export type UserError = { code: string; field: string | null; message: string };
export type Basics = { brandId: string; otherBrandId: string; rootCategoryId: string; padsCategoryId: string; filtersCategoryId: string };

async function mutate<T>(subgraph: TestSubgraph, name: string, input: Record<string, unknown>, select: string): Promise<T> {
  const result = await subgraph.request<Record<string, { userErrors: UserError[] } & Record<string, T>>>(
    `mutation ($input: ${name[0]!.toUpperCase()}${name.slice(1)}Input!) { ${name}(input: $input) { ${select} userErrors { code field message } } }`,
    { input },
    writer,
  );
  const payload = result.data?.[name];
  if (!payload || payload.userErrors.length > 0) throw new Error(`${name} failed: ${JSON.stringify(result)}`);
  return payload as unknown as T;
}

/** Two brands and a small category tree: Brakes > Brake pads, and Filters. */
export async function createBasics(subgraph: TestSubgraph): Promise<Basics> {
  const bosch = await mutate<{ brand: { id: string } }>(subgraph, 'createBrand', { name: 'Bosch', country: 'Germany' }, 'brand { id }');
  const brembo = await mutate<{ brand: { id: string } }>(subgraph, 'createBrand', { name: 'Brembo', country: 'Italy' }, 'brand { id }');
  const brakes = await mutate<{ category: { id: string } }>(subgraph, 'createCategory', { name: 'Brakes' }, 'category { id }');
  const pads = await mutate<{ category: { id: string } }>(
    subgraph,
    'createCategory',
    { name: 'Brake pads', parentId: brakes.category.id },
    'category { id }',
  );
  const filters = await mutate<{ category: { id: string } }>(subgraph, 'createCategory', { name: 'Filters' }, 'category { id }');
  return {
    brandId: bosch.brand.id,
    otherBrandId: brembo.brand.id,
    rootCategoryId: brakes.category.id,
    padsCategoryId: pads.category.id,
    filtersCategoryId: filters.category.id,
  };
}

export function productInput(basics: Basics, overrides: Record<string, unknown> = {}) {
  return {
    name: 'Front brake pad set',
    description: 'Ceramic, low dust',
    brandId: basics.brandId,
    categoryId: basics.padsCategoryId,
    taxClass: 'STANDARD',
    skus: [
      {
        code: 'BP-TOY-COR-F',
        name: 'Front axle',
        price: { amount: '289.00', currencyCode: 'CNY' },
        attributes: [{ name: 'material', value: 'ceramic' }],
      },
    ],
    fitments: [{ make: 'Toyota', model: 'Corolla', yearFrom: 2014, yearTo: 2019 }],
    ...overrides,
  };
}

export async function createProduct(subgraph: TestSubgraph, input: Record<string, unknown>): Promise<{ id: string; name: string }> {
  const result = await subgraph.request<{ createProduct: { product: { id: string; name: string } | null; userErrors: UserError[] } }>(
    CREATE_PRODUCT,
    { input },
    writer,
  );
  const payload = result.data?.createProduct;
  if (!payload?.product) throw new Error(`createProduct failed: ${JSON.stringify(result)}`);
  return payload.product;
}

/** Row counts of everything a product write touches: "writes nothing" means these do not move. */
export async function rowCounts(subgraph: TestSubgraph) {
  const em = subgraph.server.db.fork();
  return {
    products: await em.count(ProductEntity, {}),
    skus: await em.count(SkuEntity, {}),
    fitments: await em.count(FitmentEntity, {}),
    priceChanges: await em.count(SkuPriceChangeEntity, {}),
  };
}
