import { createTokenMinter } from '../../platform/auth/jwt.ts';
import { loadSecrets, type Secrets } from '../../platform/auth/secrets.ts';
import { createSubgraphServer, type SubgraphServer } from '../../platform/graphql/subgraph.ts';
import type { Logger } from '../../platform/observability/log.ts';
import { type TestEnvironment, testEnvironment } from '../../platform/testing/databases.ts';
import { eventually } from '../../platform/testing/eventually.ts';
import { startTestSubgraph, type TestSubgraph } from '../../platform/testing/subgraph-client.ts';
import { newId } from '../../platform/values/ids.ts';
import { catalogueSubgraph } from '../../subgraphs/catalogue/server.ts';
import { stockSubgraph } from '../../subgraphs/stock/server.ts';
import { createRouter, type Router } from '../server.ts';
import { subscribeToRouter } from './testing/router-subscription.ts';

/** Fields the stock subgraph answers alone, from the event itself: nothing else needs to run. */
const LIVE_LEVELS = 'subscription { stockChanged { onHand delta reason } }';

/**
 * The owning subgraph going away under a live subscription, and coming back:
 * a real router in front of a real stock subgraph that the test stops and
 * starts again on the same port.
 */
describe('a router subscription when the owning subgraph goes away', () => {
  let env: TestEnvironment;
  let secrets: Secrets;
  let catalogue: TestSubgraph;
  let stock: SubgraphServer | null = null;
  let stockPort: number;
  let router: Router;
  let routerUrl: string;
  let token: string;
  const quiet: Logger = { info: () => {}, warn: () => {}, error: () => {} };

  const startStock = async (port: number) => {
    const server = await createSubgraphServer(stockSubgraph, env.config, { secrets, peerUrls: { catalogue: catalogue.url }, log: quiet });
    const url = await server.listen(port);
    stock = server;
    return url;
  };
  /** What the stock subgraph publishes after a level changed, put on its bus directly. */
  const publishChange = (server: SubgraphServer, delta: number) =>
    server.bus.publish([
      {
        id: newId(),
        type: 'StockChanged',
        source: 'stock',
        key: 'OUTAGE-1',
        occurredAt: new Date().toISOString(),
        data: {
          skuCode: 'OUTAGE-1',
          warehouseId: 'none',
          onHand: delta,
          reserved: 0,
          delta,
          kind: 'ADJUSTMENT',
          reason: `outage ${delta}`,
          at: new Date().toISOString(),
        },
      },
    ]);
  const started = (server: SubgraphServer, count: number) =>
    eventually(() => server.subscriptionsStarted() >= count, `${count} subscriptions started upstream`, { timeoutMs: 15_000 });

  beforeAll(async () => {
    env = testEnvironment({ label: 'SQLite', mysqlUrl: undefined });
    secrets = loadSecrets(env.config);
    catalogue = await startTestSubgraph(catalogueSubgraph, env.config);
    const stockUrl = await startStock(0);
    stockPort = Number(new URL(stockUrl).port);
    router = await createRouter(env.config, { secrets, subgraphUrls: { stock: stockUrl, catalogue: catalogue.url }, log: quiet });
    routerUrl = await router.listen(0);
    const mint = await createTokenMinter(secrets.jwtPrivateKey!, { issuer: env.config.jwtIssuer, audience: env.config.jwtAudience });
    token = await mint({ subject: 'staff-outage', kind: 'staff', scopes: ['stock:read'] });
  });
  afterAll(async () => {
    await router?.close();
    await stock?.close();
    await catalogue?.close();
    await env?.cleanup();
  });

  it('ends the subscription with an error, and serves new subscriptions once the subgraph is back', async () => {
    const subscribe = () =>
      subscribeToRouter<{ onHand: number; delta: number; reason: string }>({
        routerUrl,
        connectionParams: { authorization: `Bearer ${token}` },
        query: LIVE_LEVELS,
        field: 'stockChanged',
      });
    const first = subscribe();
    const original = stock!;
    await started(original, 1);
    await publishChange(original, 1);
    expect(await first.received(1)).toEqual([{ onHand: 1, delta: 1, reason: 'ADJUSTMENT outage 1' }]);

    await original.close();
    stock = null;
    const outcome = await first.ended;
    expect(outcome.errors).toEqual([
      expect.objectContaining({
        message: expect.stringContaining('extensions.lastEventId'),
        extensions: expect.objectContaining({ code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'stock' }),
      }),
    ]);
    await first.dispose();

    // Subscribed while stock is down: the router keeps trying upstream, and the subscription starts when stock returns.
    const second = subscribe();
    await startStock(stockPort);
    await started(stock!, 1);
    await publishChange(stock!, 2);
    expect(await second.received(1)).toEqual([{ onHand: 2, delta: 2, reason: 'ADJUSTMENT outage 2' }]);
    await second.dispose();
  });
});
