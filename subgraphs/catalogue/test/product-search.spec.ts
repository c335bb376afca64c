import { databaseTargets, reportSkippedMysql, type TestEnvironment, testEnvironment } from '../../../platform/testing/databases.ts';
import { startTestSubgraph, type TestSubgraph } from '../../../platform/testing/subgraph-client.ts';
import { catalogueSubgraph } from '../server.ts';
import { type Basics, createBasics, createProduct, productInput } from './fixtures.ts';

const SEARCH = `query ($filter: ProductFilter, $sort: ProductSort, $first: Int, $after: String) {
  products(filter: $filter, sort: $sort, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { name } }
  }
}`;

type SearchResult = {
  products: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: { name: string } }[] };
};

const sku = (code: string) => [{ code, name: code, price: { amount: '100.00', currencyCode: 'CNY' } }];

describe.each(databaseTargets())('products search on $label', (target) => {
  let env: TestEnvironment;
  let catalogue: TestSubgraph;
  let basics: Basics;

  const search = async (variables: Record<string, unknown>) => {
    const result = await catalogue.request<SearchResult>(SEARCH, variables);
    if (result.errors) throw new Error(JSON.stringify(result.errors));
    return result.data!.products;
  };
  const names = async (variables: Record<string, unknown>) =>
    (await search({ first: 100, ...variables })).edges.map((edge) => edge.node.name);

  beforeAll(async () => {
    env = testEnvironment(target);
    catalogue = await startTestSubgraph(catalogueSubgraph, env.config);
    basics = await createBasics(catalogue);
    await createProduct(catalogue, productInput(basics, { name: 'Ceramic brake pads for Toyota Corolla', skus: sku('S-1') }));
    await createProduct(
      catalogue,
      productInput(basics, {
        name: 'Sport brake pads for Honda Civic',
        brandId: basics.otherBrandId,
        skus: sku('S-2'),
        fitments: [{ make: 'Honda', model: 'Civic', yearFrom: 2016, yearTo: 2021 }],
      }),
    );
    await createProduct(
      catalogue,
      productInput(basics, {
        name: 'Oil filter for Toyota Corolla',
        categoryId: basics.filtersCategoryId,
        skus: sku('OF-TOY-COR'),
        fitments: [{ make: 'Toyota', model: 'Corolla', yearFrom: 2020, yearTo: 2024 }],
      }),
    );
    await createProduct(
      catalogue,
      productInput(basics, { name: 'Universal brake fluid DOT 4', categoryId: basics.rootCategoryId, skus: sku('S-4'), fitments: [] }),
    );
  });
  afterAll(async () => {
    await catalogue?.close();
    await env?.cleanup();
  });

  it('finds products whose text contains every word searched, in any case', async () => {
    expect(await names({ filter: { search: 'BRAKE pad' } })).toEqual([
      'Ceramic brake pads for Toyota Corolla',
      'Sport brake pads for Honda Civic',
    ]);
  });

  it('finds a product by a SKU code typed with its dashes', async () => {
    expect(await names({ filter: { search: 'of-toy-cor' } })).toEqual(['Oil filter for Toyota Corolla']);
  });

  it('finds products by brand name', async () => {
    expect(await names({ filter: { search: 'brembo' } })).toEqual(['Sport brake pads for Honda Civic']);
  });

  it('includes products of every category below the one filtered', async () => {
    expect(await names({ filter: { categoryId: basics.rootCategoryId } })).toEqual([
      'Ceramic brake pads for Toyota Corolla',
      'Sport brake pads for Honda Civic',
      'Universal brake fluid DOT 4',
    ]);
  });

  it('filters by brand', async () => {
    expect(await names({ filter: { brandId: basics.otherBrandId } })).toEqual(['Sport brake pads for Honda Civic']);
  });

  it('keeps only parts that fit the vehicle and model year', async () => {
    expect(await names({ filter: { fitsVehicle: { make: 'toyota', model: 'COROLLA', year: 2019 } } })).toEqual([
      'Ceramic brake pads for Toyota Corolla',
    ]);
    expect(await names({ filter: { fitsVehicle: { make: 'Toyota', model: 'Corolla', year: 2021 } } })).toEqual([
      'Oil filter for Toyota Corolla',
    ]);
    expect(await names({ filter: { fitsVehicle: { make: 'Toyota', model: 'Corolla' } } })).toEqual([
      'Ceramic brake pads for Toyota Corolla',
      'Oil filter for Toyota Corolla',
    ]);
  });

  it('combines text, category and vehicle filters', async () => {
    const filter = { search: 'brake', categoryId: basics.padsCategoryId, fitsVehicle: { make: 'Honda', model: 'Civic', year: 2018 } };
    expect(await names({ filter })).toEqual(['Sport brake pads for Honda Civic']);
    expect((await search({ filter })).totalCount).toBe(1);
  });

  it('lists each vehicle once, with the widest span of years any product fits it, by make and model', async () => {
    const result = await catalogue.request<{ vehicles: unknown[] }>('{ vehicles { make model yearFrom yearTo } }');
    expect(result.errors).toBeUndefined();
    expect(result.data!.vehicles).toEqual([
      { make: 'Honda', model: 'Civic', yearFrom: 2016, yearTo: 2021 },
      { make: 'Toyota', model: 'Corolla', yearFrom: 2014, yearTo: 2024 },
    ]);
  });

  it('counts every product the filter matches on every page, an empty one past the last included', async () => {
    const filter = { search: 'brake' };
    const all = await names({ filter });
    expect(all.length).toBeGreaterThan(2);
    const first = await search({ filter, first: 1 });
    expect(first.totalCount).toBe(all.length);
    const second = await search({ filter, first: 1, after: first.pageInfo.endCursor });
    expect(second.totalCount).toBe(all.length);
    const last = await search({ filter, first: all.length });
    const beyond = await search({ filter, first: 5, after: last.pageInfo.endCursor });
    expect(beyond.edges).toEqual([]);
    expect(beyond.totalCount).toBe(all.length);
    expect((await search({ filter: { search: 'no-such-word' } })).totalCount).toBe(0);
  });

  it('gives each product on a page the brand and category it gives the product alone', async () => {
    const fields = 'id name brand { id name country } category { id name path parent { id } }';
    const page = await catalogue.request<{ products: { edges: { node: { id: string } }[] } }>(
      `{ products(first: 100) { edges { node { ${fields} } } } }`,
    );
    expect(page.errors).toBeUndefined();
    const nodes = page.data!.products.edges.map((edge) => edge.node);
    expect(nodes.length).toBeGreaterThan(3);
    for (const node of nodes) {
      const alone = await catalogue.request<{ product: unknown }>(`query ($id: ID!) { product(id: $id) { ${fields} } }`, { id: node.id });
      expect(alone.data?.product).toEqual(node);
    }
  });

  it('refuses an unknown category with a clear error', async () => {
    const result = await catalogue.request(SEARCH, { filter: { categoryId: 'nope' } });
    expect(result.errors?.[0]).toMatchObject({ message: expect.stringContaining('"nope"'), extensions: { code: 'BAD_USER_INPUT' } });
    const nested = await catalogue.request(SEARCH, { filter: { search: 'brake', categoryId: 'nope' }, after: null });
    expect(nested.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('refuses a page size over the maximum and a cursor it did not make', async () => {
    expect((await catalogue.request(SEARCH, { first: 1000 })).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await catalogue.request(SEARCH, { after: 'garbage' })).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it.each(['NAME', 'NEWEST'])('pages by %s without skipping or repeating a product while others are added', async (sort) => {
    const seen: string[] = [];
    let after: string | null = null;
    let page = 0;
    do {
      const result = await search({ sort, first: 2, after });
      seen.push(...result.edges.map((edge) => edge.node.name));
      after = result.pageInfo.hasNextPage ? result.pageInfo.endCursor : null;
      // Products added mid-way sort both before and after the cursor.
      await createProduct(catalogue, productInput(basics, { name: `AAA added ${sort} ${page}`, skus: sku(`ADD-A-${sort}-${page}`) }));
      await createProduct(catalogue, productInput(basics, { name: `ZZZ added ${sort} ${page}`, skus: sku(`ADD-Z-${sort}-${page}`) }));
      page += 1;
    } while (after && page < 50);
    expect(new Set(seen).size).toBe(seen.length);
    for (const name of ['Ceramic brake pads for Toyota Corolla', 'Oil filter for Toyota Corolla', 'Universal brake fluid DOT 4']) {
      expect(seen).toContain(name);
    }
  });
});

describe('products search on MySQL', () => {
  reportSkippedMysql();
});
