import { loadSecrets } from '../platform/auth/secrets.ts';
import { watchStatements } from '../platform/db/statement-count.ts';
import { type OutboxRelay, startOutboxRelay } from '../platform/events/relay.ts';
import { createLogger } from '../platform/observability/log.ts';
import { databaseTargets, reportSkippedMysql } from '../platform/testing/databases.ts';
import { eventually } from '../platform/testing/eventually.ts';
import type { GraphQLResponse } from '../platform/testing/subgraph-client.ts';
import { newId } from '../platform/values/ids.ts';
import { createRouter, type Router } from '../router/server.ts';
import { contractOperation } from './support/contract.ts';
import { SET_SKU_PRICE } from './support/product-pages.ts';
import { routerMetric } from './support/router-metrics.ts';
import { startTestSystem, type TestSystem } from './support/system.ts';

/**
 * Declared root fields in the entity cache (docs/architecture.md §12, "Root
 * fields") through the real router and subgraphs: catalogue's `products` and
 * `product` answers are kept whole, served without a statement to the
 * catalogue's tables, dropped by the product events themselves (a product
 * created, changed, repriced), shown to their writer at once, and equal to
 * the answers of a router with the cache off.
 */
const LIST = `query RootList($search: String!) {
  products(filter: { search: $search }, first: 10) {
    totalCount
    edges { node { id name skus { code price { amount currencyCode } } } }
  }
}`;
/**
 * The writer's own view, another selection than the readers': what the writer fetches after the write
 * cannot refresh the readers' kept list (it is kept under another key), so only the event can.
 */
const WRITER_LIST = 'query WriterList($search: String!) { products(filter: { search: $search }, first: 10) { edges { node { id } } } }';
const DETAIL = 'query RootDetail($id: ID!) { product(id: $id) { id name skus { code price { amount } } } }';
const CREATE = 'mutation ($input: CreateProductInput!) { createProduct(input: $input) { product { id } userErrors { code } } }';
const UPDATE = 'mutation ($input: UpdateProductInput!) { updateProduct(input: $input) { userErrors { code } } }';

type Listing = { totalCount: number; edges: { node: { id: string; name: string; skus: { code: string; price: { amount: string } }[] } }[] };

/** Statements a request sends to catalogue's product tables (other statements, such as outbox polling, run meanwhile). */
async function catalogueStatements<T>(request: () => Promise<T>): Promise<{ result: T; statements: number }> {
  let statements = 0;
  watchStatements((sql) => {
    if (/\b`?(product|sku|fitment)`?\b/i.test(sql)) statements++;
  });
  try {
    return { result: await request(), statements };
  } finally {
    watchStatements(null);
  }
}

describe.each(databaseTargets())('declared root fields in the entity cache on $label', (target) => {
  let system: TestSystem;
  let staff: string;
  let brandId: string;
  let categoryId: string;
  const word = `rootcache${newId().slice(-8).toLowerCase()}`;
  let firstId: string;
  let firstCode: string;
  let restartedRelay: OutboxRelay | undefined;

  const ok = async <T>(query: string, variables: Record<string, unknown>, token?: string): Promise<T> => {
    const { status, body } = await system.graphql<T>(query, variables, token);
    expect({ status, errors: body.errors }).toEqual({ status: 200, errors: undefined });
    return body.data!;
  };
  const list = async (token?: string) => (await ok<{ products: Listing }>(LIST, { search: word }, token)).products;
  const heard = async (event: string, before: number) =>
    // A bound on delivery, not a speed: on a loaded machine (CI beside other work) RabbitMQ delivery took over 10 s.
    eventually(async () => (await routerMetric(system, 'router_entity_cache_events', event)) > before, `the router heard ${event}`, {
      timeoutMs: 30_000,
    });
  const createProduct = async (name: string, code: string) => {
    const made = await ok<{ createProduct: { product: { id: string }; userErrors: unknown[] } }>(
      CREATE,
      { input: { name, brandId, categoryId, skus: [{ code, name: code, price: { amount: '10.00', currencyCode: 'CNY' } }] } },
      staff,
    );
    expect(made.createProduct.userErrors).toEqual([]);
    return made.createProduct.product.id;
  };

  beforeAll(async () => {
    const amqp: Record<string, string> = target.mysqlUrl && process.env.AMQP_URL ? { AMQP_URL: process.env.AMQP_URL } : {};
    system = await startTestSystem(target, { SEED_DEMO_DATA: 'true', ENTITY_CACHE: 'on', ...amqp });
    staff = await system.staffToken(['catalogue:write', 'catalogue:read']);
    // With RabbitMQ the router binds its queue to the supergraph's event types a few round trips after it starts, and
    // an event published before then never reaches it (its cache stays off until bound, so that is safe, but the
    // setup's events below would never be heard). The cache serves only once bound: its first hit says it listens.
    const warmUp = async () => (await ok<{ products: Listing }>(LIST, { search: `warm-up ${word}` })).products;
    await eventually(async () => {
      await warmUp();
      return (
        (await routerMetric(system, 'router_entity_cache_root_hits')) + (await routerMetric(system, 'router_entity_cache_answer_hits')) > 0
      );
    }, 'the router’s entity cache serves, bound to its events');
    const heardBefore = await Promise.all(
      ['BrandChanged', 'CategoryTreeChanged', 'ProductChanged'].map((event) => routerMetric(system, 'router_entity_cache_events', event)),
    );
    const made = await ok<{ createBrand: { brand: { id: string } }; createCategory: { category: { id: string } } }>(
      'mutation ($brand: CreateBrandInput!, $category: CreateCategoryInput!) { createBrand(input: $brand) { brand { id } } createCategory(input: $category) { category { id } } }',
      { brand: { name: `Brand ${word}` }, category: { name: `Category ${word}` } },
      staff,
    );
    brandId = made.createBrand.brand.id;
    categoryId = made.createCategory.category.id;
    firstCode = `RC-${word.slice(-8).toUpperCase()}-A`;
    firstId = await createProduct(`Alpha ${word}`, firstCode);
    // The setup's events are heard before the tests count hits (with RabbitMQ they arrive a moment later).
    await heard('BrandChanged', heardBefore[0]!);
    await heard('CategoryTreeChanged', heardBefore[1]!);
    await heard('ProductChanged', heardBefore[2]!);
  });
  afterAll(async () => {
    await restartedRelay?.stop();
    await system?.close();
  });

  it('answers a repeated root list and product from the cache, with no statement to the catalogue’s tables', async () => {
    await eventually(async () => (await list()).totalCount === 1, 'the new product is listed', { timeoutMs: 10_000 });
    // A repeated operation is served whole (its kept answer stands for its root-field fetch) or by its root-field fetch.
    const served = async () =>
      (await routerMetric(system, 'router_entity_cache_root_hits')) + (await routerMetric(system, 'router_entity_cache_answer_hits'));
    const hits = await served();
    const cold = await catalogueStatements(() => ok(DETAIL, { id: firstId }));
    expect(cold.statements).toBeGreaterThan(0);
    const warm = await catalogueStatements(() => list());
    const detail = await catalogueStatements(() => ok(DETAIL, { id: firstId }));
    expect({ list: warm.statements, detail: detail.statements }).toEqual({ list: 0, detail: 0 });
    expect(detail.result).toEqual(cold.result);
    expect(await served()).toBeGreaterThanOrEqual(hits + 2);
  });

  it('drops a kept list when a product is created, and shows the writer theirs before the event arrives', async () => {
    const catalogue = system.system.subgraphs.find((subgraph) => subgraph.name === 'catalogue')!;
    expect((await list()).totalCount).toBe(1);
    const writerList = async () =>
      (await ok<{ products: Listing }>(WRITER_LIST, { search: word }, staff)).products.edges.map((edge) => edge.node.id);
    expect(await writerList()).toEqual([firstId]);
    expect(await writerList()).toEqual([firstId]);
    const before = await routerMetric(system, 'router_entity_cache_events', 'ProductChanged');
    // The event waits in catalogue's outbox until the relay runs again.
    await catalogue.relay.stop();
    const second = await createProduct(`Beta ${word}`, `RC-${word.slice(-8).toUpperCase()}-B`);
    expect(await writerList()).toContain(second);
    // Anyone else still gets the kept list: only the event drops it.
    expect((await list()).totalCount).toBe(1);
    restartedRelay = startOutboxRelay(catalogue.db, catalogue.bus, { log: createLogger('events', { quiet: true }) });
    await restartedRelay.drain();
    await heard('ProductChanged', before);
    expect((await list()).edges.map((edge) => edge.node.id)).toContain(second);
  });

  it('drops kept lists and products when a price is set or a product renamed, once the event is delivered', async () => {
    await ok(DETAIL, { id: firstId });
    const priceOf = (listing: Listing) =>
      listing.edges.flatMap((edge) => edge.node.skus).find((sku) => sku.code === firstCode)!.price.amount;
    const current = priceOf(await list());
    const next = (Number(current) + 3).toFixed(2);
    let before = await routerMetric(system, 'router_entity_cache_events', 'ProductChanged');
    const set = await ok<{ setSkuPrice: { userErrors: unknown[] } }>(
      SET_SKU_PRICE,
      { input: { code: firstCode, price: { amount: next, currencyCode: 'CNY' } } },
      staff,
    );
    expect(set.setSkuPrice.userErrors).toEqual([]);
    await heard('ProductChanged', before);
    expect(priceOf(await list())).toBe(next);
    const detail = await ok<{ product: { skus: { code: string; price: { amount: string } }[] } }>(DETAIL, { id: firstId });
    expect(detail.product.skus.find((sku) => sku.code === firstCode)!.price.amount).toBe(next);

    before = await routerMetric(system, 'router_entity_cache_events', 'ProductChanged');
    const renamed = await ok<{ updateProduct: { userErrors: unknown[] } }>(
      UPDATE,
      { input: { id: firstId, name: `Gamma ${word}` } },
      staff,
    );
    expect(renamed.updateProduct.userErrors).toEqual([]);
    await heard('ProductChanged', before);
    expect((await list()).edges.map((edge) => edge.node.name)).toContain(`Gamma ${word}`);
    expect((await ok<{ product: { name: string } }>(DETAIL, { id: firstId })).product.name).toBe(`Gamma ${word}`);
  });

  it('never serves a staff list with inactive products to a caller the catalogue refuses it', async () => {
    const staffList = 'query ($search: String!) { products(filter: { search: $search, includeInactive: true }, first: 10) { totalCount } }';
    for (let i = 0; i < 2; i++) {
      const kept = await system.graphql<{ products: { totalCount: number } }>(staffList, { search: word }, staff);
      expect(kept.body.errors).toBeUndefined();
    }
    // The same fetch text and variables: only the catalogue's own scope check tells them apart.
    const anonymous = await system.graphql(staffList, { search: word });
    expect(anonymous.body.data).toBeNull();
    expect(anonymous.body.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);
  });

  it('answers root fields exactly as a router with the cache off', async () => {
    const config = { ...system.config, entityCache: 'off' as const };
    const uncached: Router = await createRouter(config, { secrets: loadSecrets(config), subgraphUrls: system.system.subgraphUrls });
    try {
      const url = await uncached.listen(0);
      const operations: [string, Record<string, unknown>][] = [
        [LIST, { search: word }],
        [DETAIL, { id: firstId }],
        [contractOperation('catalogue.graphql', 'ProductSearch'), { search: 'brake', first: 5 }],
        [contractOperation('catalogue.graphql', 'ProductDetail'), { id: firstId }],
      ];
      const post = async (target: string, query: string, variables: Record<string, unknown>) => {
        const response = await fetch(target, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query, variables }),
        });
        return (await response.json()) as GraphQLResponse;
      };
      for (const [query, variables] of operations) {
        const first = await post(system.system.routerUrl, query, variables);
        const second = await post(system.system.routerUrl, query, variables);
        const off = await post(url, query, variables);
        expect(first.errors).toBeUndefined();
        expect(second).toEqual(off);
        expect(first).toEqual(off);
      }
      // The uncached router's reads reach catalogue's tables every time.
      const again = await catalogueStatements(() =>
        fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: LIST, variables: { search: word } }),
        }),
      );
      expect(again.statements).toBeGreaterThan(0);
    } finally {
      await uncached.close();
    }
  });
});

reportSkippedMysql();
