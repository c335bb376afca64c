import { loadSecrets } from '../platform/auth/secrets.ts';
import { type OutboxRelay, startOutboxRelay } from '../platform/events/relay.ts';
import { createLogger } from '../platform/observability/log.ts';
import { eventually } from '../platform/testing/eventually.ts';
import { sampleValue } from '../platform/testing/metrics.ts';
import { newId } from '../platform/values/ids.ts';
import { createRouter, type Router } from '../router/server.ts';
import { contractOperation } from './support/contract.ts';
import { demoWarehouseId, registeredMember } from './support/shop.ts';
import { startTestSystem, type TestSystem } from './support/system.ts';

/**
 * Whole answers of public operations (docs/architecture.md §12, "Whole
 * answers") through the real router and subgraphs: the light page (catalogue's
 * `products`, stock's part of each SKU, both declared public) is served whole
 * once kept, after every check; never across callers of another kind or
 * scopes, never when any part is private or undeclared; dropped by the event
 * of any entity it shows, shown to a writer at once after their own write,
 * and equal to the answers of a router with the cache off.
 *
 * SQLite only: what is tested is the router's, the same over either database.
 */
const PAGE = contractOperation('catalogue.graphql', 'ProductSearch');
const ADJUST_STOCK = contractOperation('stock.graphql', 'AdjustStock');
/** One product's SKUs with their availability: a declared root field and stock's declared part of each SKU. */
const STOCKED = 'query Stocked($id: ID!) { product(id: $id) { id skus { code stock { available } } } }';
const SKU = 'OF-VW-GOLF';

type Stocked = { product: { id: string; skus: { code: string; stock: { available: number } }[] } };

describe('whole answers of public operations', () => {
  let system: TestSystem;
  let member: string;
  let otherMember: string;
  let writer: string;
  let productId: string;
  let warehouseId: string;
  let restartedRelay: OutboxRelay | undefined;

  beforeAll(async () => {
    system = await startTestSystem({ label: 'SQLite', mysqlUrl: undefined }, { SEED_DEMO_DATA: 'true', ENTITY_CACHE: 'on' });
    member = await system.memberToken(newId());
    otherMember = await system.memberToken(newId());
    writer = await system.staffToken(['stock:write', 'stock:read']);
    warehouseId = await demoWarehouseId(system);
    const sku = await system.graphql<{ sku: { product: { id: string } } }>(`{ sku(code: "${SKU}") { product { id } } }`);
    productId = sku.body.data!.sku.product.id;
  });
  afterAll(async () => {
    await restartedRelay?.stop();
    await system?.close();
  });

  const metric = async (name: string, labels?: Record<string, string>) =>
    sampleValue(await (await fetch(system.system.routerMetricsUrl)).text(), name, labels) ?? 0;
  /** Fetches the router sent to any subgraph, since start. */
  const subgraphFetches = async () => {
    const text = await (await fetch(system.system.routerMetricsUrl)).text();
    const counts = text.split('\n').filter((line) => line.startsWith('subgraph_fetch_duration_seconds_count'));
    return counts.reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
  };
  const ok = async <T>(query: string, variables: Record<string, unknown>, token?: string): Promise<T> => {
    const { status, body } = await system.graphql<T>(query, variables, token);
    expect({ status, errors: body.errors }).toEqual({ status: 200, errors: undefined });
    return body.data!;
  };
  /** Asks until an answer is served whole from memory (the seed's own events may still be arriving and dropping it); returns it. */
  const servedWhole = async <T>(query: string, variables: Record<string, unknown>, token?: string): Promise<T> => {
    let answer: T | undefined;
    await eventually(
      async () => {
        const hits = await metric('router_entity_cache_answer_hits');
        answer = await ok<T>(query, variables, token);
        return (await metric('router_entity_cache_answer_hits')) > hits;
      },
      'an answer served whole from memory',
      { timeoutMs: 10_000 },
    );
    return answer!;
  };
  const availableIn = (stocked: Stocked) => stocked.product.skus.find((sku) => sku.code === SKU)!.stock.available;

  it('serves a repeated light page whole, the same to every caller of the class, with no subgraph request', async () => {
    const variables = { search: 'brake pad', first: 5 };
    const fetched = await ok(PAGE, variables, member);
    const whole = await servedWhole(PAGE, variables, member);
    expect(whole).toEqual(fetched);
    // Another member is of the same class (kind and scopes): the same kept answer, no subgraph asked.
    const fetches = await subgraphFetches();
    const hits = await metric('router_entity_cache_answer_hits');
    expect(await ok(PAGE, variables, otherMember)).toEqual(fetched);
    expect(await metric('router_entity_cache_answer_hits')).toBe(hits + 1);
    expect(await subgraphFetches()).toBe(fetches);
  });

  it('never serves a kept answer to a caller of another kind or other scopes, whom the subgraph refuses it', async () => {
    const staffList = 'query StaffList { products(filter: { includeInactive: true }, first: 3) { totalCount } }';
    const staff = await system.staffToken(['catalogue:read']);
    await servedWhole(staffList, {}, staff);
    // The same document and variables: only the catalogue's own scope check tells them apart.
    for (const token of [undefined, member, await system.staffToken(['stock:read'])]) {
      const refused = await system.graphql(staffList, {}, token);
      expect(refused.body.data).toBeNull();
      expect(refused.body.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);
    }
  });

  it('never keeps an answer with a private or undeclared part', async () => {
    // `me` comes from members (undeclared), its `orders` from orders (a private type): neither may be kept whole.
    const mine = 'query Mine { me { id orders(first: 1) { totalCount } } products(first: 1) { totalCount } }';
    const alice = await registeredMember(system, { name: 'Alice', email: `alice-${newId()}@example.com` });
    const bob = await registeredMember(system, { name: 'Bob', email: `bob-${newId()}@example.com` });
    const undeclared = `query Levels { stockLevels(skuCodes: ["${SKU}"]) { available } products(first: 1) { totalCount } }`;
    const hits = await metric('router_entity_cache_answer_hits');
    const entries = await metric('router_entity_cache_answer_entries');
    for (let i = 0; i < 2; i++) {
      expect((await ok<{ me: { id: string } }>(mine, {}, alice.token)).me.id).toBe(alice.id);
      expect((await ok<{ me: { id: string } }>(mine, {}, bob.token)).me.id).toBe(bob.id);
    }
    for (let i = 0; i < 2; i++) await ok(undeclared, {}, member);
    expect(await metric('router_entity_cache_answer_hits')).toBe(hits);
    expect(await metric('router_entity_cache_answer_entries')).toBe(entries);
  });

  it('shows a writer their own write at once, and everyone else once its event is delivered', async () => {
    const variables = { id: productId };
    const before = availableIn(await servedWhole<Stocked>(STOCKED, variables));
    expect(availableIn(await servedWhole<Stocked>(STOCKED, variables, writer))).toBe(before);
    const stock = system.system.subgraphs.find((subgraph) => subgraph.name === 'stock')!;
    const heard = await metric('router_entity_cache_events', { event: 'StockChanged' });
    // The event waits in stock's outbox until the relay runs again.
    await stock.relay.stop();
    const adjusted = await ok<{ adjustStock: { userErrors: unknown[] } }>(
      ADJUST_STOCK,
      { input: { warehouseId, skuCode: SKU, delta: 2, reason: 'whole answer test' } },
      writer,
    );
    expect(adjusted.adjustStock.userErrors).toEqual([]);
    // The writer's kept answer was made before their write: not theirs any more.
    expect(availableIn(await ok<Stocked>(STOCKED, variables, writer))).toBe(before + 2);
    // Anyone else still gets the kept answer: only the event drops it.
    expect(availableIn(await ok<Stocked>(STOCKED, variables))).toBe(before);
    restartedRelay = startOutboxRelay(stock.db, stock.bus, { log: createLogger('events', { quiet: true }) });
    await restartedRelay.drain();
    await eventually(async () => (await metric('router_entity_cache_events', { event: 'StockChanged' })) > heard, 'StockChanged heard', {
      timeoutMs: 10_000,
    });
    expect(availableIn(await ok<Stocked>(STOCKED, variables))).toBe(before + 2);
    expect(availableIn(await servedWhole<Stocked>(STOCKED, variables))).toBe(before + 2);
  });

  it('answers exactly as a router with the cache off', async () => {
    const config = { ...system.config, entityCache: 'off' as const };
    const uncached: Router = await createRouter(config, { secrets: loadSecrets(config), subgraphUrls: system.system.subgraphUrls });
    try {
      const url = await uncached.listen(0);
      const operations: [string, Record<string, unknown>, string | undefined][] = [
        [PAGE, { search: 'brake pad', first: 5 }, member],
        [PAGE, { search: 'oil filter', first: 3 }, undefined],
        [PAGE, { fits: { make: 'Toyota', model: 'Corolla' }, first: 10 }, member],
        [STOCKED, { id: productId }, undefined],
      ];
      for (const [query, variables, token] of operations) {
        const whole = await servedWhole(query, variables, token);
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body: JSON.stringify({ query, variables }),
        });
        expect(((await response.json()) as { data: unknown }).data).toEqual(whole);
      }
    } finally {
      await uncached.close();
    }
  });
});
