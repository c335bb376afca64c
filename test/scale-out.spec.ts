import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createTokenMinter } from '../platform/auth/jwt.ts';
import { loadSecrets } from '../platform/auth/secrets.ts';
import { type TestEnvironment, testEnvironment } from '../platform/testing/databases.ts';
import { eventually } from '../platform/testing/eventually.ts';
import { subscribeToRouter } from '../router/subscriptions/testing/router-subscription.ts';
import { contractOperation } from './support/contract.ts';

/**
 * Scale-out (docs/architecture.md §6): two router processes and two stock processes
 * on one MySQL database and one RabbitMQ. A dashboard subscribed at router 2
 * (whose stock is instance B) sees a change made through router 1 (stock
 * instance A): the event crosses from A to B over RabbitMQ, and router 2
 * completes it with the product name from the catalogue. Real processes, as
 * they run in production, started from the entry points the deployment uses.
 */
const mysqlUrl = process.env.MYSQL_URL;
const amqpUrl = process.env.AMQP_URL;
const ROOT = join(import.meta.dirname, '..');
const LIVE_STOCK = contractOperation('stock.graphql', 'LiveStock');
const SKU = 'BP-TOY-COR-F';

type StockEvent = {
  sku: { code: string; product: { name: string } };
  warehouse: { code: string };
  onHand: number;
  delta: number;
  reason: string;
};

/** `count` distinct free ports: all held open until every one is chosen, so none is handed out twice. */
async function freePorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer());
  await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))));
  const ports = servers.map((server) => (server.address() as { port: number }).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

const describeScaleOut = mysqlUrl && amqpUrl ? describe : describe.skip;

describe('scale-out across processes', () => {
  if (!mysqlUrl || !amqpUrl) it.skip('not run, because it needs both MYSQL_URL and AMQP_URL', () => undefined);
});

describeScaleOut('two routers and two stock instances on MySQL and RabbitMQ', () => {
  let env: TestEnvironment;
  const processes: ChildProcess[] = [];
  const output: string[] = [];
  let ports: Record<'catalogue' | 'stockA' | 'stockB' | 'router1' | 'router2' | 'metrics1' | 'metrics2', number>;
  let staffToken: string;

  const start = async (entry: string, extra: Record<string, string>, port: number) => {
    const child = spawn(process.execPath, ['--no-warnings', join(ROOT, entry)], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'test',
        DATA_DIR: env.config.dataDir,
        MYSQL_URL: mysqlUrl!,
        MYSQL_DATABASE_PREFIX: env.config.mysqlDatabasePrefix,
        AMQP_URL: amqpUrl!,
        AMQP_EXCHANGE: env.config.amqpExchange,
        AMQP_QUEUE_EXPIRY_SECONDS: String(env.config.amqpQueueExpirySeconds),
        SEED_DEMO_DATA: 'false',
        ...extra,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Each entry point prints its URL once it listens; that line, not just any answer on the port,
    // shows this very process got it (another test's server may have taken a port in the meantime).
    let listening = false;
    child.stdout?.on('data', (chunk: Buffer) => {
      output.push(`${entry}: ${chunk}`);
      if (String(chunk).includes(`:${port}/graphql`)) listening = true;
    });
    child.stderr?.on('data', (chunk: Buffer) => output.push(`${entry}: ${chunk}`));
    processes.push(child);
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${entry} exited with ${child.exitCode}:\n${output.join('')}`);
      if (listening) return;
      if (Date.now() > deadline) throw new Error(`${entry} did not start:\n${output.join('')}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };

  const graphql = async <T>(routerPort: number, query: string, variables: Record<string, unknown> = {}) => {
    const response = await fetch(`http://127.0.0.1:${routerPort}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${staffToken}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: T; errors?: unknown[] };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data!;
  };

  beforeAll(async () => {
    env = testEnvironment({ label: 'MySQL', mysqlUrl }, { AMQP_URL: amqpUrl! });
    // Every process reads the same development keys from this DATA_DIR; make them before any starts.
    const secrets = loadSecrets(env.config);
    staffToken = await (
      await createTokenMinter(secrets.jwtPrivateKey!, { issuer: env.config.jwtIssuer, audience: env.config.jwtAudience })
    )({
      subject: 'staff-scale-out',
      kind: 'staff',
      scopes: ['stock:read', 'stock:write', 'catalogue:read'],
    });
    const [catalogue, stockA, stockB, router1, router2, metrics1, metrics2] = await freePorts(7);
    ports = {
      catalogue: catalogue!,
      stockA: stockA!,
      stockB: stockB!,
      router1: router1!,
      router2: router2!,
      metrics1: metrics1!,
      metrics2: metrics2!,
    };
    const catalogueUrl = `http://127.0.0.1:${ports.catalogue}/graphql`;
    await start('subgraphs/catalogue/index.ts', { CATALOGUE_PORT: String(ports.catalogue), SEED_DEMO_DATA: 'true' }, ports.catalogue);
    // Instance A seeds the demo stock; B starts on the database A filled.
    await start(
      'subgraphs/stock/index.ts',
      { STOCK_PORT: String(ports.stockA), CATALOGUE_URL: catalogueUrl, SEED_DEMO_DATA: 'true' },
      ports.stockA,
    );
    await start('subgraphs/stock/index.ts', { STOCK_PORT: String(ports.stockB), CATALOGUE_URL: catalogueUrl }, ports.stockB);
    const router = (port: number, metricsPort: number, stockPort: number) =>
      start(
        'router/index.ts',
        {
          ROUTER_PORT: String(port),
          METRICS_PORT: String(metricsPort),
          CATALOGUE_URL: catalogueUrl,
          STOCK_URL: `http://127.0.0.1:${stockPort}/graphql`,
        },
        port,
      );
    await router(ports.router1, ports.metrics1, ports.stockA);
    await router(ports.router2, ports.metrics2, ports.stockB);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(
      processes.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      ),
    );
    await env?.cleanup();
  });

  it('delivers a change made through router 1 to a subscriber on router 2, completed with catalogue fields, none lost and in order', async () => {
    const { stockLevels } = await graphql<{ stockLevels: { warehouse: { id: string; code: string }; onHand: number }[] }>(
      ports.router1,
      'query ($codes: [String!]!) { stockLevels(skuCodes: $codes) { warehouse { id code } onHand } }',
      { codes: [SKU] },
    );
    const level = stockLevels.find((candidate) => candidate.onHand > 0) ?? stockLevels[0]!;
    const adjust = (delta: number, reason: string) =>
      graphql(ports.router1, 'mutation ($input: AdjustStockInput!) { adjustStock(input: $input) { userErrors { code message } } }', {
        input: { warehouseId: level.warehouse.id, skuCode: SKU, delta, reason },
      });

    const dashboard = subscribeToRouter<StockEvent>({
      routerUrl: `http://127.0.0.1:${ports.router2}/graphql`,
      connectionParams: { authorization: `Bearer ${staffToken}` },
      query: LIVE_STOCK,
      variables: { skuCodes: [SKU] },
      field: 'stockChanged',
    });
    try {
      // The subscription reaches stock B asynchronously: nudge until the first change shows it is live.
      let nudge = 0;
      for (; dashboard.events.length === 0; nudge++) {
        if (nudge > 50) throw new Error(`no event reached router 2:\n${output.join('')}`);
        await adjust(1, `scale-out warm-up ${nudge}`);
        await dashboard.received(1, 200).catch(() => undefined); // live yet? If not within 200 ms, nudge again.
      }
      // Changes arrive in order: once the last nudge's has, no warm-up change can land among those counted.
      const lastNudge = `ADJUSTMENT scale-out warm-up ${nudge - 1}`;
      await eventually(() => dashboard.events.some((event) => event.reason === lastNudge), 'the last warm-up change reached router 2');
      const before = dashboard.events.length;
      const burst = 20;
      for (let i = 0; i < burst; i++) await adjust(1, `scale-out ${i}`);
      const events = (await dashboard.received(before + burst, 20_000)).slice(before);
      expect(events).toHaveLength(burst);
      for (const event of events) {
        expect(event.sku.code).toBe(SKU);
        expect(event.sku.product.name).toEqual(expect.any(String));
        expect(event.warehouse.code).toBe(level.warehouse.code);
        expect(event.delta).toBe(1);
      }
      // In order: each event's on-hand is the previous one's plus one.
      for (let i = 1; i < events.length; i++) expect(events[i]!.onHand).toBe(events[i - 1]!.onHand + 1);
    } finally {
      await dashboard.dispose();
    }
  }, 90_000);

  it("has each router process hear the subgraphs' events, so its entity cache drops what they name", async () => {
    // The changes of the test above were StockChanged events; a router that read no AMQP_URL would count none.
    const heard = async (metricsPort: number) => {
      const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      const line = text.split('\n').find((candidate) => candidate.startsWith('router_entity_cache_events{event="StockChanged"}'));
      return Number(line?.split(' ')[1] ?? 0);
    };
    await eventually(async () => (await heard(ports.metrics1)) > 0, 'router 1 heard StockChanged');
    await eventually(async () => (await heard(ports.metrics2)) > 0, 'router 2 heard StockChanged');
  });
});
