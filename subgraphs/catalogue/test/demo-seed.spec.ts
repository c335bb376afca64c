import { demoProducts } from '../../../demo/car-parts.ts';
import { databaseTargets, reportSkippedMysql, type TestEnvironment, testEnvironment } from '../../../platform/testing/databases.ts';
import { startTestSubgraph, type TestSubgraph } from '../../../platform/testing/subgraph-client.ts';
import { catalogueSubgraph } from '../server.ts';
import { rowCounts } from './fixtures.ts';

describe.each(databaseTargets())('the demo catalogue on $label', (target) => {
  let env: TestEnvironment;
  let catalogue: TestSubgraph;

  beforeAll(async () => {
    env = testEnvironment(target, { SEED_DEMO_DATA: 'true' });
    catalogue = await startTestSubgraph(catalogueSubgraph, env.config);
  });
  afterAll(async () => {
    await catalogue?.close();
    await env?.cleanup();
  });

  it('is seeded into an empty database at start', async () => {
    const counts = await rowCounts(catalogue);
    expect(counts.products).toBe(demoProducts.length);
    expect(counts.skus).toBe(demoProducts.reduce((sum, product) => sum + product.skus.length, 0));
    expect(counts.priceChanges).toBe(counts.skus);
  });

  it('gives every product its category’s picture: a few distinct images, shared by content hash', async () => {
    const em = catalogue.server.db.fork();
    const [row] = await catalogue.server.db.execute<{ images: unknown; products: unknown; hashes: unknown }>(
      em,
      'select count(*) as images, count(distinct product_id) as products, count(distinct content_hash) as hashes from product_image',
    );
    expect(Number(row!.images)).toBe(demoProducts.length);
    expect(Number(row!.products)).toBe(demoProducts.length);
    expect(Number(row!.hashes)).toBe(new Set(demoProducts.map((product) => product.categoryKey)).size);
    const result = await catalogue.request<{
      products: { edges: { node: { name: string; images: { url: string; alt: string; width: number }[] } }[] };
    }>('{ products(first: 3) { edges { node { name images { url alt width } } } } }');
    for (const { node } of result.data!.products.edges) {
      expect(node.images).toEqual([{ url: expect.stringMatching(/^\/images\/[0-9a-f]{64}$/), alt: node.name, width: 160 }]);
    }
  });

  it('answers the contract example: brake pads that fit a 2019 Toyota Corolla', async () => {
    const result = await catalogue.request<{
      products: { totalCount: number; edges: { node: { name: string; skus: { code: string }[] } }[] };
    }>(
      `{ products(filter: { search: "brake pad", fitsVehicle: { make: "Toyota", model: "Corolla", year: 2019 } }, first: 20) {
          totalCount edges { node { name skus { code } } } } }`,
    );
    expect(result.errors).toBeUndefined();
    const codes = result.data!.products.edges.flatMap((edge) => edge.node.skus.map((sku) => sku.code));
    expect(codes).toContain('BP-TOY-COR-F');
    for (const edge of result.data!.products.edges) expect(edge.node.name.toLowerCase()).toContain('brake pad');
  });

  it('is not seeded again when the catalogue restarts', async () => {
    const before = await rowCounts(catalogue);
    await catalogue.close();
    catalogue = await startTestSubgraph(catalogueSubgraph, env.config);
    expect(await rowCounts(catalogue)).toEqual(before);
  });
});

describe('the demo catalogue on MySQL', () => {
  reportSkippedMysql();
});
