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

  it('answers a query for the closed subgraph with an INTERNAL error, and logs why', async () => {
    const { status, body } = await harness.graphql(HELLO);
    expect(status).toBe(200);
    expect(body.data).toBeNull();
    expect(body.errors?.[0]?.extensions?.code).toBe('INTERNAL');
    expect(harness.loggedErrors).toEqual([expect.stringContaining('ECONNREFUSED')]);
  });
});
