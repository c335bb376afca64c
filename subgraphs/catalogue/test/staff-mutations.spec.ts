import { databaseTargets, reportSkippedMysql, type TestEnvironment, testEnvironment } from '../../../platform/testing/databases.ts';
import { startTestSubgraph, type TestSubgraph } from '../../../platform/testing/subgraph-client.ts';
import { BrandEntity } from '../entities/brand.entity.ts';
import { CategoryEntity } from '../entities/category.entity.ts';
import { SupplierEntity } from '../entities/supplier.entity.ts';
import { catalogueSubgraph } from '../server.ts';
import { type Basics, createBasics, createProduct, productInput, rowCounts, SET_SKU_PRICE, type UserError, writer } from './fixtures.ts';

const UPDATE_PRODUCT = `mutation ($input: UpdateProductInput!) {
  updateProduct(input: $input) {
    product { id name description active taxClass brand { name } category { name } fitments { make model yearFrom yearTo } }
    userErrors { code field message }
  }
}`;
const CREATE_BRAND =
  'mutation ($input: CreateBrandInput!) { createBrand(input: $input) { brand { id name } userErrors { code field message } } }';
const CREATE_CATEGORY =
  'mutation ($input: CreateCategoryInput!) { createCategory(input: $input) { category { id path depth } userErrors { code field message } } }';
const CREATE_SUPPLIER =
  'mutation ($input: CreateSupplierInput!) { createSupplier(input: $input) { supplier { id name } userErrors { code field message } } }';

type Payload = Record<string, { userErrors: UserError[] } & Record<string, unknown>>;

describe.each(databaseTargets())('staff mutations on $label', (target) => {
  let env: TestEnvironment;
  let catalogue: TestSubgraph;
  let basics: Basics;
  let productId: string;

  const mutate = async (document: string, input: Record<string, unknown>) => {
    const result = await catalogue.request<Payload>(document, { input }, writer);
    expect(result.errors).toBeUndefined();
    return Object.values(result.data!)[0]!;
  };
  const referenceCounts = async () => {
    const em = catalogue.server.db.fork();
    return {
      ...(await rowCounts(catalogue)),
      brands: await em.count(BrandEntity, {}),
      categories: await em.count(CategoryEntity, {}),
      suppliers: await em.count(SupplierEntity, {}),
    };
  };
  const expectRefusal = async (document: string, input: Record<string, unknown>, expected: Partial<UserError>) => {
    const before = await referenceCounts();
    const payload = await mutate(document, input);
    expect(payload.userErrors).toContainEqual(expect.objectContaining(expected));
    expect(Object.entries(payload).filter(([key, value]) => key !== 'userErrors' && value !== null)).toEqual([]);
    expect(await referenceCounts()).toEqual(before);
  };

  beforeAll(async () => {
    env = testEnvironment(target);
    catalogue = await startTestSubgraph(catalogueSubgraph, env.config);
    basics = await createBasics(catalogue);
    productId = (await createProduct(catalogue, productInput(basics))).id;
  });
  afterAll(async () => {
    await catalogue?.close();
    await env?.cleanup();
  });

  it('updates a product and replaces its fitments', async () => {
    const payload = await mutate(UPDATE_PRODUCT, {
      id: productId,
      name: 'Front brake pad set, low dust',
      brandId: basics.otherBrandId,
      active: false,
      fitments: [{ make: 'Toyota', model: 'Levin', yearFrom: 2017, yearTo: 2022 }],
    });
    expect(payload).toEqual({
      product: {
        id: productId,
        name: 'Front brake pad set, low dust',
        description: 'Ceramic, low dust',
        active: false,
        taxClass: 'STANDARD',
        brand: { name: 'Brembo' },
        category: { name: 'Brake pads' },
        fitments: [{ make: 'Toyota', model: 'Levin', yearFrom: 2017, yearTo: 2022 }],
      },
      userErrors: [],
    });
    const hidden = await catalogue.request<{ products: { totalCount: number } }>(
      '{ products(filter: { search: "levin" }) { totalCount } }',
    );
    expect(hidden.data?.products.totalCount).toBe(0);
  });

  it('records every price change with the staff member who made it', async () => {
    await mutate(SET_SKU_PRICE, { code: 'BP-TOY-COR-F', price: { amount: '279.00', currencyCode: 'CNY' } });
    const payload = await mutate(SET_SKU_PRICE, { code: 'BP-TOY-COR-F', price: { amount: '269.50', currencyCode: 'CNY' } });
    expect(payload.sku).toEqual({
      code: 'BP-TOY-COR-F',
      price: { amount: '269.50', currencyCode: 'CNY' },
      priceHistory: [
        { price: { amount: '269.50' }, previousPrice: { amount: '279.00' }, changedBy: 'staff-test' },
        { price: { amount: '279.00' }, previousPrice: { amount: '289.00' }, changedBy: 'staff-test' },
        { price: { amount: '289.00' }, previousPrice: null, changedBy: 'staff-test' },
      ],
    });
  });

  it('builds category paths down the tree', async () => {
    const payload = await mutate(CREATE_CATEGORY, { name: 'Ceramic pads', parentId: basics.padsCategoryId });
    expect(payload.category).toEqual({ id: expect.any(String), path: 'Brakes / Brake pads / Ceramic pads', depth: 2 });
  });

  it.each([
    [
      'updateProduct with an empty name',
      UPDATE_PRODUCT,
      () => ({ id: productId, name: '' }),
      { code: 'INVALID_VALUE', field: 'input.name' },
    ],
    [
      'updateProduct of an unknown product',
      UPDATE_PRODUCT,
      () => ({ id: 'nope', name: 'x' }),
      { code: 'UNKNOWN_PRODUCT', field: 'input.id' },
    ],
    ['updateProduct into an unknown category', UPDATE_PRODUCT, () => ({ id: productId, categoryId: 'nope' }), { code: 'UNKNOWN_CATEGORY' }],
    [
      'updateProduct with backwards fitment years',
      UPDATE_PRODUCT,
      () => ({ id: productId, fitments: [{ make: 'Toyota', model: 'Corolla', yearFrom: 2020, yearTo: 2000 }] }),
      { code: 'INVALID_VALUE', field: 'input.fitments[0].yearTo' },
    ],
    ['createBrand with an empty name', CREATE_BRAND, () => ({ name: ' ' }), { code: 'INVALID_VALUE', field: 'input.name' }],
    ['createBrand with a name in use', CREATE_BRAND, () => ({ name: 'Bosch' }), { code: 'DUPLICATE_NAME', field: 'input.name' }],
    ['createCategory with an empty name', CREATE_CATEGORY, () => ({ name: '' }), { code: 'INVALID_VALUE', field: 'input.name' }],
    [
      'createCategory under an unknown parent',
      CREATE_CATEGORY,
      () => ({ name: 'Orphans', parentId: 'nope' }),
      { code: 'UNKNOWN_CATEGORY' },
    ],
    ['createCategory with a sibling of that name', CREATE_CATEGORY, () => ({ name: 'Brakes' }), { code: 'DUPLICATE_NAME' }],
    ['createSupplier with an empty name', CREATE_SUPPLIER, () => ({ name: '' }), { code: 'INVALID_VALUE', field: 'input.name' }],
    [
      'createSupplier with a malformed email',
      CREATE_SUPPLIER,
      () => ({ name: 'Acme', email: 'not-an-email' }),
      { code: 'INVALID_VALUE', field: 'input.email' },
    ],
    [
      'setSkuPrice with a zero price',
      SET_SKU_PRICE,
      () => ({ code: 'BP-TOY-COR-F', price: { amount: '0.00', currencyCode: 'CNY' } }),
      { code: 'INVALID_PRICE' },
    ],
    [
      'setSkuPrice with a malformed amount',
      SET_SKU_PRICE,
      () => ({ code: 'BP-TOY-COR-F', price: { amount: '1.234', currencyCode: 'CNY' } }),
      { code: 'INVALID_PRICE' },
    ],
    [
      'setSkuPrice of an unknown SKU',
      SET_SKU_PRICE,
      () => ({ code: 'NOPE-1', price: { amount: '1.00', currencyCode: 'CNY' } }),
      { code: 'UNKNOWN_SKU' },
    ],
  ])('refuses %s with a user error and writes nothing', async (_, document, input, expected) => {
    await expectRefusal(document, input(), expected as Partial<UserError>);
  });
});

describe('staff mutations on MySQL', () => {
  reportSkippedMysql();
});
