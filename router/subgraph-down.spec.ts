import { closeServer } from '../platform/http/listen.ts';
import { startTestSystem, type TestSystem } from '../test/support/system.ts';
import { type Harness, startHarness } from './testing/harness.ts';
import { HELLO } from './testing/operations.ts';

describe('the router with its subgraph down', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ healthTimeoutMs: 500 });
  });
  afterAll(async () => {
    await harness.close();
  });

  const health = async () => {
    const response = await fetch(new URL('/health', harness.routerUrl));
    return { status: response.status, body: await response.json() };
  };

  it('reports healthy while every subgraph answers its own /health', async () => {
    expect(await health()).toEqual({ status: 200, body: { status: 'ok', subgraphs: { catalogue: 'ok' } } });
  });

  it('reports 503 naming the subgraph once it is closed', async () => {
    await harness.stopSubgraph();
    const { status, body } = await health();
    expect(status).toBe(503);
    expect(body).toEqual({
      status: 'unavailable',
      subgraphs: { catalogue: 'down' },
      reasons: { catalogue: 'unreachable (ECONNREFUSED)' },
    });
  });

  it('answers a query for the closed subgraph with SUBGRAPH_UNAVAILABLE naming it (after retrying, since it is a query)', async () => {
    const { status, body } = await harness.graphql(HELLO);
    expect(status).toBe(200);
    expect(body.data).toBeNull();
    expect(body.errors).toEqual([
      {
        message: 'the catalogue subgraph unreachable (ECONNREFUSED) after 3 attempts',
        extensions: { code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'catalogue' },
      },
    ]);
    // An outage is not a bug of ours: warned about by the resilience layer, not logged as a failed request.
    expect(harness.loggedErrors).toEqual([]);
  });
});

describe('the whole system with one subgraph down', () => {
  let system: TestSystem;
  const SKU = 'BP-TOY-COR-F';
  beforeAll(async () => {
    system = await startTestSystem({ label: 'SQLite', mysqlUrl: undefined }, { SEED_DEMO_DATA: 'true', SUBGRAPH_RETRIES: '0' });
    // Its port stops answering (the rest of it is closed with the system).
    await closeServer(system.system.subgraphs.find((subgraph) => subgraph.name === 'stock')!.http);
  });
  afterAll(async () => {
    await system?.close();
  });

  it('answers a query that needs the stopped subgraph with the rest of its data and an error naming it', async () => {
    const { status, body } = await system.graphql(`{ categories { id } sku(code: "${SKU}") { code stock { available } } }`);
    expect(status).toBe(200);
    expect(body.data).toEqual({ categories: expect.arrayContaining([expect.objectContaining({ id: expect.any(String) })]), sku: null });
    expect(body.errors).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/^the stock subgraph unreachable \(ECONNREFUSED\)/),
        extensions: { code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'stock' },
      }),
    ]);
  });

  it('answers queries that do not need it as usual', async () => {
    const { status, body } = await system.graphql(`{ sku(code: "${SKU}") { code product { name } } brands { name } }`);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({ sku: { code: SKU, product: { name: expect.any(String) } }, brands: expect.any(Array) });
  });

  it('reports it on /health', async () => {
    const response = await fetch(new URL('/health', system.system.routerUrl));
    expect(response.status).toBe(503);
    const report = await response.json();
    expect(report).toMatchObject({ status: 'unavailable', subgraphs: { stock: 'down', catalogue: 'ok', orders: 'ok' } });
    expect(report.reasons).toEqual({ stock: expect.stringContaining('unreachable') });
  });
});
