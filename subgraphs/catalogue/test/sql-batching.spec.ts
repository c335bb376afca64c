import { databaseTargets, reportSkippedMysql, type TestEnvironment, testEnvironment } from '../../../platform/testing/databases.ts';
import { startTestSubgraph, type TestSubgraph } from '../../../platform/testing/subgraph-client.ts';
import { catalogueSubgraph } from '../server.ts';
import { type Basics, createBasics, createProduct, productInput } from './fixtures.ts';

const PAGE = `query ($first: Int) {
  products(first: $first) {
    totalCount
    edges { node { id name brand { id name } category { id name path } skus { code name price { amount currencyCode } attributes { name value } } fitments { make } } }
  }
}`;

describe.each(databaseTargets())('SQL batching on $label', (target) => {
  let env: TestEnvironment;
  let catalogue: TestSubgraph;
  let basics: Basics;
  let statements: string[] = [];

  beforeAll(async () => {
    env = testEnvironment(target);
    catalogue = await startTestSubgraph(catalogueSubgraph, env.config, { onQuery: (sql) => statements.push(sql) });
    basics = await createBasics(catalogue);
    for (let i = 0; i < 60; i++) {
      await createProduct(
        catalogue,
        productInput(basics, {
          name: `Product ${String(i).padStart(2, '0')}`,
          brandId: i % 2 ? basics.brandId : basics.otherBrandId,
          categoryId: i % 3 ? basics.padsCategoryId : basics.filtersCategoryId,
          skus: [
            { code: `BATCH-${i}-A`, name: 'A', price: { amount: '10.00', currencyCode: 'CNY' } },
            { code: `BATCH-${i}-B`, name: 'B', price: { amount: '12.00', currencyCode: 'CNY' } },
          ],
        }),
      );
    }
  });
  afterAll(async () => {
    await catalogue?.close();
    await env?.cleanup();
  });

  const countStatements = async (first: number) => {
    statements = [];
    const result = await catalogue.request<{ products: { edges: unknown[] } }>(PAGE, { first });
    expect(result.errors).toBeUndefined();
    expect(result.data?.products.edges).toHaveLength(first);
    // The outbox relay polls on its own timer; only the request's statements count.
    return statements.filter((sql) => /^\s*select/i.test(sql) && !sql.includes('outbox_event'));
  };

  it('reads a page of 50 products with SKUs, brands, categories and fitments in three statements', async () => {
    // The page with its brands, categories and count; the SKUs; the fitments.
    const page = await countStatements(50);
    expect(page).toHaveLength(3);
    expect(page[0]).toMatch(/from product p left join brand b .* left join category c /);
    expect(page[0]).toContain('select count(*) from product');
    expect(page.filter((sql) => /from `?(brand|category)`? /.test(sql))).toEqual([]);
  });

  it('reads no count when the client does not ask for one', async () => {
    statements = [];
    const result = await catalogue.request<{ products: { edges: unknown[] } }>('{ products(first: 5) { edges { node { id } } } }');
    expect(result.errors).toBeUndefined();
    expect(statements.filter((sql) => /count\(\*\)/.test(sql))).toEqual([]);
  });

  it("asks about an empty page's category once: a category seen to exist is not read again", async () => {
    const empty = '{ products(filter: {search: "nosuchword", categoryId: $id}) { edges { node { id } } } }'.replace(
      '{ products',
      'query ($id: ID) { products',
    );
    const readsOfCategory = async (id: string) => {
      statements = [];
      const result = await catalogue.request<{ products: { edges: unknown[] } }>(empty, { id });
      return { result, reads: statements.filter((sql) => /^select .* from `?category`? /.test(sql) && !sql.includes('from product')) };
    };
    const first = await readsOfCategory(basics.filtersCategoryId);
    expect(first.result.errors).toBeUndefined();
    expect(first.result.data?.products.edges).toEqual([]);
    const again = await readsOfCategory(basics.filtersCategoryId);
    expect(again.result.data?.products.edges).toEqual([]);
    expect(again.reads).toEqual([]);
    // An id that names no category is read, and refused, every time.
    for (let i = 0; i < 2; i++) {
      const unknown = await readsOfCategory('no-such-category');
      expect(unknown.result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(unknown.reads).toHaveLength(1);
    }
  });

  it('costs the same number of statements for a page of 5 as for a page of 50', async () => {
    expect((await countStatements(5)).length).toBe((await countStatements(50)).length);
  });
});

describe('SQL batching on MySQL', () => {
  reportSkippedMysql();
});
