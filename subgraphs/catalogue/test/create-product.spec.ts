import { databaseTargets, reportSkippedMysql, type TestEnvironment, testEnvironment } from '../../../platform/testing/databases.ts';
import { staff, startTestSubgraph, type TestSubgraph } from '../../../platform/testing/subgraph-client.ts';
import { catalogueSubgraph } from '../server.ts';
import { type Basics, CREATE_PRODUCT, createBasics, createProduct, productInput, rowCounts, type UserError, writer } from './fixtures.ts';

type CreateResult = {
  createProduct: { product: { id: string; skus: { code: string; price: { amount: string } }[] } | null; userErrors: UserError[] };
};

describe.each(databaseTargets())('createProduct on $label', (target) => {
  let env: TestEnvironment;
  let catalogue: TestSubgraph;
  let basics: Basics;

  beforeAll(async () => {
    env = testEnvironment(target);
    catalogue = await startTestSubgraph(catalogueSubgraph, env.config);
    basics = await createBasics(catalogue);
  });
  afterAll(async () => {
    await catalogue?.close();
    await env?.cleanup();
  });

  it('creates a product with its SKUs, prices, attributes and fitments', async () => {
    const result = await catalogue.request<{ createProduct: Record<string, unknown> }>(
      CREATE_PRODUCT,
      { input: productInput(basics) },
      writer,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.createProduct).toEqual({
      product: {
        id: expect.any(String),
        name: 'Front brake pad set',
        taxClass: 'STANDARD',
        brand: { name: 'Bosch' },
        category: { name: 'Brake pads', path: 'Brakes / Brake pads' },
        skus: [
          {
            code: 'BP-TOY-COR-F',
            name: 'Front axle',
            price: { amount: '289.00', currencyCode: 'CNY' },
            attributes: [{ name: 'material', value: 'ceramic' }],
          },
        ],
        fitments: [{ make: 'Toyota', model: 'Corolla', yearFrom: 2014, yearTo: 2019 }],
      },
      userErrors: [],
    });
  });

  const badInputs: [string, Record<string, unknown>, Partial<UserError>][] = [
    ['an empty product name', { name: '   ' }, { code: 'INVALID_VALUE', field: 'input.name' }],
    [
      'an empty SKU name',
      { skus: [{ code: 'BAD-1', name: '', price: { amount: '10.00', currencyCode: 'CNY' } }] },
      { code: 'INVALID_VALUE', field: 'input.skus[0].name' },
    ],
    [
      'a negative price',
      { skus: [{ code: 'BAD-2', name: 'x', price: { amount: '-5.00', currencyCode: 'CNY' } }] },
      { code: 'INVALID_PRICE', field: 'input.skus[0].price.amount' },
    ],
    [
      'a price with too many decimal places',
      { skus: [{ code: 'BAD-3', name: 'x', price: { amount: '5.001', currencyCode: 'CNY' } }] },
      { code: 'INVALID_PRICE', field: 'input.skus[0].price' },
    ],
    [
      'an unsupported currency',
      { skus: [{ code: 'BAD-4', name: 'x', price: { amount: '5.00', currencyCode: 'XXX' } }] },
      { code: 'INVALID_PRICE', field: 'input.skus[0].price' },
    ],
    ['an unknown category', { categoryId: 'no-such-category' }, { code: 'UNKNOWN_CATEGORY', field: 'input.categoryId' }],
    ['an unknown brand', { brandId: 'no-such-brand' }, { code: 'UNKNOWN_BRAND', field: 'input.brandId' }],
    ['an unknown supplier', { supplierId: 'no-such-supplier' }, { code: 'UNKNOWN_SUPPLIER', field: 'input.supplierId' }],
    ['a product without SKUs', { skus: [] }, { code: 'INVALID_VALUE', field: 'input.skus' }],
    [
      'a malformed SKU code',
      { skus: [{ code: 'bad code', name: 'x', price: { amount: '5.00', currencyCode: 'CNY' } }] },
      { code: 'INVALID_VALUE', field: 'input.skus[0].code' },
    ],
    [
      'a SKU code repeated within the input',
      {
        skus: [
          { code: 'TWICE-1', name: 'a', price: { amount: '5.00', currencyCode: 'CNY' } },
          { code: 'TWICE-1', name: 'b', price: { amount: '6.00', currencyCode: 'CNY' } },
        ],
      },
      { code: 'DUPLICATE_SKU_CODE', field: 'input.skus[1].code' },
    ],
    [
      'a fitment whose years run backwards',
      { fitments: [{ make: 'Toyota', model: 'Corolla', yearFrom: 2020, yearTo: 2010 }] },
      { code: 'INVALID_VALUE', field: 'input.fitments[0].yearTo' },
    ],
  ];

  it.each(badInputs)('rejects %s with a user error and writes nothing', async (_, overrides, expected) => {
    const before = await rowCounts(catalogue);
    const result = await catalogue.request<CreateResult>(CREATE_PRODUCT, { input: productInput(basics, overrides) }, writer);
    expect(result.errors).toBeUndefined();
    expect(result.data?.createProduct.product).toBeNull();
    expect(result.data?.createProduct.userErrors).toContainEqual(expect.objectContaining(expected));
    expect(await rowCounts(catalogue)).toEqual(before);
  });

  it('rejects a SKU code another product already uses and writes nothing', async () => {
    await createProduct(
      catalogue,
      productInput(basics, { skus: [{ code: 'TAKEN-1', name: 'x', price: { amount: '9.90', currencyCode: 'CNY' } }] }),
    );
    const before = await rowCounts(catalogue);
    const result = await catalogue.request<CreateResult>(
      CREATE_PRODUCT,
      {
        input: productInput(basics, {
          skus: [
            { code: 'FRESH-1', name: 'x', price: { amount: '1.00', currencyCode: 'CNY' } },
            { code: 'TAKEN-1', name: 'y', price: { amount: '2.00', currencyCode: 'CNY' } },
          ],
        }),
      },
      writer,
    );
    expect(result.data?.createProduct.userErrors).toEqual([
      { code: 'DUPLICATE_SKU_CODE', field: 'input.skus[1].code', message: 'SKU code "TAKEN-1" is already used by another product' },
    ]);
    expect(await rowCounts(catalogue)).toEqual(before);
  });

  it('reports every problem of an input at once', async () => {
    const result = await catalogue.request<CreateResult>(
      CREATE_PRODUCT,
      {
        input: productInput(basics, {
          name: '',
          categoryId: 'nope',
          skus: [{ code: 'OK-1', name: 'x', price: { amount: '-1', currencyCode: 'CNY' } }],
        }),
      },
      writer,
    );
    expect(result.data?.createProduct.userErrors.map((error) => error.code).sort()).toEqual([
      'INVALID_PRICE',
      'INVALID_VALUE',
      'UNKNOWN_CATEGORY',
    ]);
  });

  it('lets exactly one of two racing creations of the same SKU code succeed', async () => {
    const input = productInput(basics, { skus: [{ code: 'RACE-1', name: 'x', price: { amount: '5.00', currencyCode: 'CNY' } }] });
    const results = await Promise.all(Array.from({ length: 8 }, () => catalogue.request<CreateResult>(CREATE_PRODUCT, { input }, writer)));
    const created = results.filter((result) => result.data?.createProduct.product);
    const refused = results.filter((result) => result.data?.createProduct.userErrors[0]?.code === 'DUPLICATE_SKU_CODE');
    expect(created).toHaveLength(1);
    expect(refused).toHaveLength(7);
  });

  it('creates products from many concurrent requests without losing or mixing any', async () => {
    const before = await rowCounts(catalogue);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        catalogue.request<CreateResult>(
          CREATE_PRODUCT,
          {
            input: productInput(basics, {
              name: `Pad ${i}`,
              skus: [{ code: `CONC-${i}`, name: 'x', price: { amount: `${i + 1}.00`, currencyCode: 'CNY' } }],
            }),
          },
          writer,
        ),
      ),
    );
    results.forEach((result, i) => {
      expect(result.errors).toBeUndefined();
      expect(result.data?.createProduct.product?.skus).toMatchObject([{ code: `CONC-${i}`, price: { amount: `${i + 1}.00` } }]);
    });
    expect(await rowCounts(catalogue)).toEqual({
      products: before.products + 20,
      skus: before.skus + 20,
      fitments: before.fitments + 20,
      priceChanges: before.priceChanges + 20,
    });
  });

  it('refuses a caller without catalogue:write even when it reaches the subgraph directly', async () => {
    const result = await catalogue.request(CREATE_PRODUCT, { input: productInput(basics) }, staff('catalogue:read'));
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('createProduct on MySQL', () => {
  reportSkippedMysql();
});
