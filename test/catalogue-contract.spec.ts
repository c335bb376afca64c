import { databaseTargets, reportSkippedMysql } from '../platform/testing/databases.ts';
import { contractExamples, contractOperation } from './support/contract.ts';
import { startTestSystem, type TestSystem } from './support/system.ts';

const PRODUCT_SEARCH = contractOperation('catalogue.graphql', 'ProductSearch');
const PRODUCT_DETAIL = contractOperation('catalogue.graphql', 'ProductDetail');
const SKU_BY_CODE = contractOperation('catalogue.graphql', 'SkuByCode');
const CREATE_PRODUCT = contractOperation('catalogue.graphql', 'CreateProduct');
const SET_SKU_PRICE = contractOperation('catalogue.graphql', 'SetSkuPrice');
const examples = contractExamples();

type Product = { id: string; name: string; brand: { id: string; name: string }; category: { id: string; name: string } };
type Search = { products: { totalCount: number; edges: { node: Product & { skus: { code: string }[] } }[] } };
type Payload = {
  product?: { id: string } | null;
  sku?: { code: string; price: { amount: string } } | null;
  userErrors: { code: string; field: string }[];
};

describe.each(databaseTargets())('the catalogue contract through the router on $label', (target) => {
  let system: TestSystem;
  let writer: string;

  beforeAll(async () => {
    system = await startTestSystem(target, { SEED_DEMO_DATA: 'true' });
    writer = await system.staffToken(['catalogue:write']);
  });
  afterAll(async () => {
    await system?.close();
  });

  it('ProductSearch finds brake pads that fit a 2019 Toyota Corolla with the example variables', async () => {
    const { body } = await system.graphql<Search>(PRODUCT_SEARCH, examples.ProductSearch);
    expect(body.errors).toBeUndefined();
    const products = body.data!.products;
    expect(products.totalCount).toBeGreaterThan(0);
    const codes = products.edges.flatMap((edge) => edge.node.skus.map((sku) => sku.code));
    expect(codes).toContain('BP-TOY-COR-F');
    for (const { node } of products.edges) {
      for (const sku of node.skus as unknown as { stock: { available: number } }[]) expect(sku.stock.available).toEqual(expect.any(Number));
      expect(node.brand.name).toEqual(expect.any(String));
      expect(node.category.name).toEqual(expect.any(String));
    }
  });

  it('ProductDetail shows a product with its category path, fitments, SKUs, attributes and prices', async () => {
    const sku = await system.graphql<{ sku: { product: { id: string } } }>(SKU_BY_CODE, examples.SkuByCode);
    const { body } = await system.graphql<{ product: Record<string, unknown> }>(PRODUCT_DETAIL, { id: sku.body.data!.sku.product.id });
    expect(body.errors).toBeUndefined();
    expect(body.data!.product).toMatchObject({
      name: 'Front brake pad set for Toyota Corolla',
      category: { path: expect.stringMatching(/ \/ /) },
      fitments: [{ make: 'Toyota', model: 'Corolla', yearFrom: 2014, yearTo: 2019 }],
      skus: expect.arrayContaining([
        expect.objectContaining({ code: 'BP-TOY-COR-F', price: { amount: expect.stringMatching(/^\d+\.\d{2}$/), currencyCode: 'CNY' } }),
      ]),
    });
    // Stock comes from the stock subgraph, joined by the router on the SKU's code.
    type Stock = { available: number; levels: { warehouse: { code: string }; onHand: number; reserved: number; available: number }[] };
    const skus = (body.data!.product as { skus: { code: string; stock: Stock }[] }).skus;
    const stock = skus.find((sku) => sku.code === 'BP-TOY-COR-F')!.stock;
    expect(stock.levels.length).toBeGreaterThan(0);
    expect(stock.available).toBe(stock.levels.reduce((sum, level) => sum + level.available, 0));
    for (const level of stock.levels) expect(level.available).toBe(level.onHand - level.reserved);
  });

  it('SkuByCode resolves a SKU and its product', async () => {
    const { body } = await system.graphql(SKU_BY_CODE, examples.SkuByCode);
    expect(body.data).toEqual({
      sku: {
        code: 'BP-TOY-COR-F',
        name: expect.any(String),
        product: { id: expect.any(String), name: 'Front brake pad set for Toyota Corolla' },
        price: expect.any(Object),
      },
    });
  });

  it('ProductDetail and SkuByCode answer null for what does not exist', async () => {
    expect((await system.graphql(PRODUCT_DETAIL, examples.ProductDetail)).body).toEqual({ data: { product: null } });
    expect((await system.graphql(SKU_BY_CODE, { code: 'NO-SUCH-SKU' })).body).toEqual({ data: { sku: null } });
  });

  it('refuses CreateProduct and SetSkuPrice with FORBIDDEN to callers without catalogue:write, before anything runs', async () => {
    const reader = await system.staffToken(['catalogue:read', 'stock:write']);
    for (const token of [undefined, reader]) {
      for (const [operation, variables] of [
        [CREATE_PRODUCT, examples.CreateProduct],
        [SET_SKU_PRICE, examples.SetSkuPrice],
      ] as const) {
        const { status, body } = await system.graphql(operation, variables, token);
        expect(status).toBe(403);
        expect(body.data ?? null).toBeNull();
        expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
        expect(body.errors?.[0]?.message).toMatch(/catalogue:write/);
      }
    }
    const { body } = await system.graphql<{ sku: { price: { amount: string } } }>(SKU_BY_CODE, examples.SkuByCode);
    expect(body.data!.sku.price.amount).not.toBe('279.00');
  });

  it('answers the CreateProduct example with user errors: its ids are placeholders and its SKU code is taken', async () => {
    const { body } = await system.graphql<{ createProduct: Payload }>(CREATE_PRODUCT, examples.CreateProduct, writer);
    expect(body.errors).toBeUndefined();
    expect(body.data!.createProduct.product).toBeNull();
    expect(body.data!.createProduct.userErrors.map((error) => error.code).sort()).toEqual([
      'DUPLICATE_SKU_CODE',
      'UNKNOWN_BRAND',
      'UNKNOWN_CATEGORY',
    ]);
  });

  it('creates a product with a staff token and finds it again by search', async () => {
    const search = await system.graphql<Search>(PRODUCT_SEARCH, { search: 'brake pad', first: 1 });
    const { brand, category } = search.body.data!.products.edges[0]!.node;
    const example = examples.CreateProduct as { input: Record<string, unknown> & { skus: Record<string, unknown>[] } };
    const input = {
      ...example.input,
      name: 'Front brake pad set, e2e edition',
      brandId: brand.id,
      categoryId: category.id,
      skus: [{ ...example.input.skus[0], code: 'BP-E2E-TEST-F' }],
    };
    const created = await system.graphql<{ createProduct: Payload }>(CREATE_PRODUCT, { input }, writer);
    expect(created.body.data!.createProduct.userErrors).toEqual([]);
    const found = await system.graphql<Search>(PRODUCT_SEARCH, {
      search: 'e2e edition',
      fits: { make: 'Toyota', model: 'Corolla', year: 2015 },
    });
    expect(found.body.data!.products.edges.map((edge) => edge.node.id)).toEqual([created.body.data!.createProduct.product!.id]);
  });

  it('sets a SKU price with a staff token', async () => {
    const { body } = await system.graphql<{ setSkuPrice: Payload }>(SET_SKU_PRICE, examples.SetSkuPrice, writer);
    expect(body.data!.setSkuPrice).toEqual({
      sku: { code: 'BP-TOY-COR-F', price: { amount: '279.00', currencyCode: 'CNY' } },
      userErrors: [],
    });
    const after = await system.graphql<{ sku: { price: { amount: string } } }>(SKU_BY_CODE, examples.SkuByCode);
    expect(after.body.data!.sku.price.amount).toBe('279.00');
  });

  it.each([
    ['a negative price', { code: 'BP-TOY-COR-F', price: { amount: '-1.00', currencyCode: 'CNY' } }, 'INVALID_PRICE'],
    ['a malformed price', { code: 'BP-TOY-COR-F', price: { amount: '27.999', currencyCode: 'CNY' } }, 'INVALID_PRICE'],
    ['an unknown SKU', { code: 'NO-SUCH-SKU', price: { amount: '10.00', currencyCode: 'CNY' } }, 'UNKNOWN_SKU'],
  ])('refuses SetSkuPrice with %s and changes nothing', async (_, input, code) => {
    const before = await system.graphql<{ sku: { price: { amount: string } } }>(SKU_BY_CODE, examples.SkuByCode);
    const { body } = await system.graphql<{ setSkuPrice: Payload }>(SET_SKU_PRICE, { input }, writer);
    expect(body.data!.setSkuPrice.sku).toBeNull();
    expect(body.data!.setSkuPrice.userErrors[0]?.code).toBe(code);
    expect((await system.graphql(SKU_BY_CODE, examples.SkuByCode)).body).toEqual(before.body);
  });

  it('reports the router healthy once every subgraph answers', async () => {
    const response = await fetch(system.system.routerUrl.replace('/graphql', '/health'));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', subgraphs: { catalogue: 'ok' } });
  });
});

describe('the catalogue contract through the router on MySQL', () => {
  reportSkippedMysql();
});
