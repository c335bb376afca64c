import { demoPartNumbers, demoProducts } from '../demo/car-parts.ts';
import { databaseTargets, reportSkippedMysql } from '../platform/testing/databases.ts';
import { startTestSystem, type TestSystem } from './support/system.ts';

/**
 * Catalogue search through the router on the demo catalogue (issue 23, D1):
 * typo and prefix tolerance, part numbers however typed, Chinese through
 * merchandisers' synonyms, facet counts that equal the filtered results, the
 * index kept in step by staff mutations, and the same first page on SQLite
 * and MariaDB.
 */
const SEARCH = `query ($query: String!, $filter: ProductFilter, $sort: ProductSearchSort, $first: Int, $after: String, $price: PriceRangeInput) {
  productSearch(query: $query, filter: $filter, sort: $sort, first: $first, after: $after, price: $price) {
    totalCount truncated
    pageInfo { hasNextPage endCursor }
    edges { score node { id name category { path } skus { code oeNumbers } } }
    facets {
      brands { brand { id name } count }
      categories { category { id path } count }
      priceRanges { label min max count }
      vehicles { make model count }
    }
  }
}`;

type Facets = {
  brands: { brand: { id: string; name: string }; count: number }[];
  categories: { category: { id: string; path: string }; count: number }[];
  priceRanges: { label: string; min: string | null; max: string | null; count: number }[];
  vehicles: { make: string; model: string; count: number }[];
};
type SearchResult = {
  totalCount: number;
  truncated: boolean;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { score: number; node: { id: string; name: string; category: { path: string }; skus: { code: string; oeNumbers: string[] }[] } }[];
  facets: Facets;
};

async function search(system: TestSystem, variables: Record<string, unknown>, token?: string): Promise<SearchResult> {
  const { body } = await system.graphql<{ productSearch: SearchResult }>(SEARCH, { first: 20, ...variables }, token);
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data!.productSearch;
}

const demoSku = demoProducts.find((product) => product.skus.some((sku) => sku.code.startsWith('BP-')))!.skus[0]!;
const demoOe = demoPartNumbers(demoSku.code).oeNumbers[0]!;
/** The SKU whose part numbers the staff test replaces (another than the one the first-page comparison searches for). */
const staffSku = demoProducts.find((product) => product.skus.some((sku) => sku.code.startsWith('BP-')))!.skus[1]!;
const staffOe = demoPartNumbers(staffSku.code).oeNumbers[0]!;
const firstPageQueries = ['brak pad', '刹车片', 'bosch spark plug', 'ceramik pads toyota', demoOe, 'oil filtre'];

const systems = new Map<string, TestSystem>();
afterAll(async () => {
  for (const system of systems.values()) await system.close();
});

describe.each(databaseTargets())('catalogue search through the router on $label', (target) => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem(target, { SEED_DEMO_DATA: 'true' });
    systems.set(target.label, system);
  });

  it('finds brake pads for "brak pad": a word shorter than five letters matches as the start of a longer one', async () => {
    const result = await search(system, { query: 'brak pad' });
    expect(result.totalCount).toBeGreaterThan(0);
    expect(result.edges.slice(0, 10).every((edge) => edge.node.category.path.endsWith('Brake pads'))).toBe(true);
  });

  it('corrects one edit in a word of five letters or more, and not in a shorter one', async () => {
    const result = await search(system, { query: 'ceramik' });
    expect(result.edges[0]?.node.skus.length).toBeGreaterThan(0);
    expect(result.totalCount).toBeGreaterThan(0);
    expect((await search(system, { query: 'bxake' })).totalCount).toBeGreaterThan(0); // brake, one substitution
    expect((await search(system, { query: 'zzzzzzzz' })).totalCount).toBe(0);
  });

  it('finds the SKU of an OE number first, typed with dashes, spaces, none, or in another case', async () => {
    for (const typed of [demoOe, demoOe.replace('-', ' '), demoOe.replace('-', ''), ` ${demoOe.split('').join(' ')} `]) {
      const result = await search(system, { query: typed });
      expect(result.edges[0]?.node.skus.map((sku) => sku.code)).toContain(demoSku.code);
    }
    const mpn = demoPartNumbers(demoSku.code).manufacturerPartNumber;
    expect((await search(system, { query: mpn.replaceAll(' ', '-') })).edges[0]?.node.skus.map((sku) => sku.code)).toContain(demoSku.code);
    expect(
      (await search(system, { query: demoSku.code.toLowerCase().replaceAll('-', '') })).edges[0]?.node.skus.map((s) => s.code),
    ).toContain(demoSku.code);
  });

  it('finds brake pads for "刹车片" through the merchandisers\' synonyms', async () => {
    const result = await search(system, { query: '刹车片' });
    expect(result.totalCount).toBeGreaterThan(0);
    expect(result.edges[0]?.node.category.path).toMatch(/Brake pads$/);
  });

  it('counts each facet value as the number of products filtering by it returns', async () => {
    const query = 'brake';
    const all = await search(system, { query });
    expect(all.facets.brands.length).toBeGreaterThan(1);
    expect(all.facets.brands.reduce((sum, facet) => sum + facet.count, 0)).toBe(all.totalCount);
    for (const facet of all.facets.brands.slice(0, 3)) {
      expect((await search(system, { query, filter: { brandId: facet.brand.id }, first: 0 })).totalCount).toBe(facet.count);
    }
    for (const facet of all.facets.categories.slice(0, 3)) {
      expect((await search(system, { query, filter: { categoryId: facet.category.id }, first: 0 })).totalCount).toBe(facet.count);
    }
    for (const facet of all.facets.vehicles.slice(0, 3)) {
      const filter = { fitsVehicle: { make: facet.make, model: facet.model } };
      expect((await search(system, { query, filter, first: 0 })).totalCount).toBe(facet.count);
    }
    expect(all.facets.priceRanges.reduce((sum, facet) => sum + facet.count, 0)).toBe(all.totalCount);
    for (const facet of all.facets.priceRanges) {
      const price = { ...(facet.min ? { min: facet.min } : {}), ...(facet.max ? { max: facet.max } : {}) };
      expect((await search(system, { query, price, first: 0 })).totalCount).toBe(facet.count);
    }
    expect(all.facets.priceRanges.filter((facet) => facet.count > 0).length).toBeGreaterThan(1);
  });

  it("counts products in stock from the stock subgraph, through the router, as their SKUs' stock says", async () => {
    const { body } = await system.graphql<{
      productSearch: {
        totalCount: number;
        edges: { node: { skus: { stock: { available: number } }[] } }[];
        facets: { inStock: { inStock: number; outOfStock: number } };
      };
    }>(
      `{ productSearch(query: "filter", first: 100) {
          totalCount edges { node { skus { stock { available } } } } facets { inStock { inStock outOfStock } } } }`,
    );
    expect(body.errors).toBeUndefined();
    const result = body.data!.productSearch;
    expect(result.totalCount).toBeLessThanOrEqual(100);
    const sellable = result.edges.filter((edge) => edge.node.skus.some((sku) => sku.stock.available > 0)).length;
    expect(result.facets.inStock).toEqual({ inStock: sellable, outOfStock: result.totalCount - sellable });
    expect(result.facets.inStock.inStock).toBeGreaterThan(0);
  });

  it('pages through a relevance order without repeating or skipping a product', async () => {
    const whole = await search(system, { query: 'brake', first: 100 });
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page: SearchResult = await search(system, { query: 'brake', first: 7, after });
      seen.push(...page.edges.map((edge) => edge.node.id));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    expect(seen).toEqual(
      whole.edges
        .map((edge) => edge.node.id)
        .concat(seen.slice(100))
        .slice(0, seen.length),
    );
    expect(new Set(seen).size).toBe(whole.totalCount);
  });

  it('suggests indexed words and products for a prefix', async () => {
    const { body } = await system.graphql<{ searchSuggestions: { text: string; kind: string; product: { name: string } | null }[] }>(
      'query { searchSuggestions(prefix: "brak", first: 8) { text kind product { name } } }',
    );
    expect(body.errors).toBeUndefined();
    const suggestions = body.data!.searchSuggestions;
    expect(suggestions.filter((s) => s.kind === 'WORD').map((s) => s.text)).toContain('brake');
    expect(suggestions.some((s) => s.kind === 'PRODUCT' && s.product)).toBe(true);
  });

  it('finds by part numbers and synonyms staff set, in the same transaction as the write', async () => {
    const token = await system.staffToken(['catalogue:write', 'catalogue:read']);
    const set = await system.graphql<{
      setSkuPartNumbers: { sku: { oeNumbers: string[]; crossReferences: { brand: string }[] }; userErrors: unknown[] };
    }>(
      `mutation ($input: SetSkuPartNumbersInput!) { setSkuPartNumbers(input: $input) { sku { oeNumbers crossReferences { brand number } } userErrors { code field } } }`,
      {
        input: {
          skuCode: staffSku.code,
          manufacturerPartNumber: 'XQ 77-123',
          oeNumbers: ['5Q0 698 151 X'],
          crossReferences: [{ brand: 'Mintex', number: 'MDB-9999' }],
        },
      },
      token,
    );
    expect(set.body.data?.setSkuPartNumbers.userErrors).toEqual([]);
    expect(set.body.data?.setSkuPartNumbers.sku.oeNumbers).toEqual(['5Q0 698 151 X']);
    expect((await search(system, { query: '5q0698151x' })).edges[0]?.node.skus.map((s) => s.code)).toContain(staffSku.code);
    expect((await search(system, { query: 'mdb9999' })).edges[0]?.node.skus.map((s) => s.code)).toContain(staffSku.code);
    // The replaced OE number no longer finds it.
    expect((await search(system, { query: staffOe })).edges[0]?.node.skus.map((s) => s.code) ?? []).not.toContain(staffSku.code);

    expect((await search(system, { query: 'stopper' })).totalCount).toBe(0);
    const saved = await system.graphql<{ saveSearchSynonyms: { synonyms: { id: string; phrases: string[] }; userErrors: unknown[] } }>(
      'mutation { saveSearchSynonyms(input: { phrases: ["Stopper", "brake pad"] }) { synonyms { id phrases } userErrors { code } } }',
      {},
      token,
    );
    expect(saved.body.data?.saveSearchSynonyms.synonyms.phrases).toEqual(['stopper', 'brake pad']);
    expect((await search(system, { query: 'stopper' })).totalCount).toBeGreaterThan(0);
    const id = saved.body.data!.saveSearchSynonyms.synonyms.id;
    await system.graphql(`mutation { deleteSearchSynonyms(id: "${id}") { deletedId } }`, {}, token);
    expect((await search(system, { query: 'stopper' })).totalCount).toBe(0);
  });
});

describe('the same search on both databases', () => {
  reportSkippedMysql();
  if (!process.env.MYSQL_URL) return;
  it.each(firstPageQueries)('gives the same first page for "%s"', async (query) => {
    const [sqlite, mysql] = [systems.get('SQLite'), systems.get('MySQL')];
    if (!sqlite || !mysql) throw new Error('both systems start in the suites above');
    // Ids differ between two seeds; names and scores are what a shopper sees in that order.
    const page = (result: SearchResult) => result.edges.map((edge) => `${edge.score} ${edge.node.name}`);
    const [a, b] = [await search(sqlite, { query }), await search(mysql, { query })];
    expect(a.totalCount).toBeGreaterThan(0);
    expect(page(b)).toEqual(page(a));
    expect(b.totalCount).toBe(a.totalCount);
  });
});
