/**
 * Live stock fan-out: N dashboards subscribed to LiveStock through one
 * router, M stock changes made through the same router, and the check that
 * every dashboard got every change, in order per SKU, completed with the
 * product name from the catalogue. Reports delivered events/s and the
 * latency from a write to its delivery (and to the last dashboard).
 *
 *   npm run bench:fanout                      1,000 subscribers, 100 changes
 *   npm run bench:fanout -- --quick           100 subscribers, 20 changes
 *   npm run bench:fanout -- --subscribers 500 --changes 50
 *
 * The whole system runs embedded in this process on SQLite (like `npm start`),
 * with a fresh DATA_DIR, so the numbers include the subgraphs' work. The
 * result is printed and written to bench/results/<date>-live-stock-fanout.md.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { startEmbedded } from '../scripts/embedded.ts';
import { createTokenMinter } from '../subgraphs/kit/auth/jwt.ts';
import { loadSecrets } from '../subgraphs/kit/auth/secrets.ts';
import { loadConfig } from '../subgraphs/kit/config.ts';
import { benchEnvironment, percentile } from './stats.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const quick = args.includes('--quick');
const SUBSCRIBERS = option('subscribers', quick ? 100 : 1000);
const CHANGES = option('changes', quick ? 20 : 100);
const WRITERS = 10;
const SKUS = ['BP-TOY-COR-F', 'OF-VW-GOLF'];
const LIVE_STOCK = `subscription LiveStock($skuCodes: [String!]) {
  stockChanged(skuCodes: $skuCodes) { sku { code name product { name } } warehouse { code } onHand reserved available delta reason at }
}`;

type Change = { sku: { code: string; product: { name: string } }; onHand: number; delta: number; reason: string; at: string };
const progress = (line: string) => process.stderr.write(`${line}\n`);
const p = (values: number[], at: number) => percentile(Float64Array.from(values).sort(), at / 100);

const { dataDir, env } = benchEnvironment('fanout');
const config = loadConfig(env);
progress(`starting the system (SQLite in ${dataDir})`);
const system = await startEmbedded(config, { freePorts: true });
const secrets = loadSecrets(config);
const token = await (await createTokenMinter(secrets.jwtPrivateKey!, { issuer: config.jwtIssuer, audience: config.jwtAudience }))({
  subject: 'bench',
  kind: 'staff',
  scopes: ['stock:read', 'stock:write', 'catalogue:read'],
});
const graphql = async <T>(query: string, variables: Record<string, unknown>) => {
  const response = await fetch(system.routerUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data!;
};

let exitCode = 0;
try {
  const levels = await graphql<{ stockLevels: { sku: { code: string }; warehouse: { id: string } }[] }>(
    'query ($codes: [String!]!) { stockLevels(skuCodes: $codes) { sku { code } warehouse { id } } }',
    { codes: SKUS },
  );
  const warehouseOf = new Map(levels.stockLevels.map((level) => [level.sku.code, level.warehouse.id]));
  const adjust = (sku: string, reason: string) =>
    graphql('mutation ($input: AdjustStockInput!) { adjustStock(input: $input) { userErrors { code message } } }', {
      input: { warehouseId: warehouseOf.get(sku), skuCode: sku, delta: 1, reason },
    });

  progress(`opening ${SUBSCRIBERS} subscriptions`);
  const received: { change: Change; at: number }[][] = Array.from({ length: SUBSCRIBERS }, () => []);
  const clients = Array.from({ length: SUBSCRIBERS }, (_, i) => {
    const client = createClient({
      url: system.routerUrl.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
    });
    client.subscribe<{ stockChanged: Change }>(
      { query: LIVE_STOCK, variables: { skuCodes: SKUS } },
      {
        next: (result) => {
          if (result.data) received[i]!.push({ change: result.data.stockChanged, at: Date.now() });
        },
        error: (error) => progress(`subscriber ${i} failed: ${JSON.stringify(error)}`),
        complete: () => undefined,
      },
    );
    return client;
  });
  const waitFor = async (what: string, done: () => boolean, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  // Warm-up: changes until every subscriber has seen one, so the burst starts with everyone listening.
  for (let nudge = 0; received.some((events) => events.length === 0); nudge++) {
    if (nudge > 100) throw new Error('not every subscriber became live');
    await adjust(SKUS[0]!, `warm-up ${nudge}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
  const offsets = received.map((events) => events.length);

  progress(`burst: ${CHANGES} changes by ${WRITERS} concurrent writers`);
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      while (next < CHANGES) {
        const n = next++;
        await adjust(SKUS[n % SKUS.length]!, `burst ${n}`);
      }
    }),
  );
  await waitFor(
    'every subscriber to receive the burst',
    () => received.every((events, i) => events.length - offsets[i]! >= CHANGES),
    120_000,
  );
  const elapsed = (performance.now() - started) / 1000;

  // Invariants: none lost, none extra, in order per SKU (each level is the previous plus its delta), names completed.
  const problems: string[] = [];
  const latencies: number[] = [];
  const lastDelivery = new Map<string, number>();
  received.forEach((events, i) => {
    const burst = events.slice(offsets[i]!);
    if (burst.length !== CHANGES) problems.push(`subscriber ${i} got ${burst.length} of ${CHANGES}`);
    const previous = new Map<string, number>();
    for (const { change, at } of burst) {
      if (!change.sku.product.name) problems.push(`subscriber ${i}: no product name`);
      const before = previous.get(change.sku.code);
      if (before !== undefined && change.onHand !== before + change.delta) {
        problems.push(`subscriber ${i}: ${change.sku.code} went ${before} -> ${change.onHand} with delta ${change.delta}`);
      }
      previous.set(change.sku.code, change.onHand);
      // The change's own time (its commit, on this machine's clock) to its arrival here.
      const latency = at - Date.parse(change.at);
      const key = `${change.sku.code}@${change.onHand}`;
      latencies.push(latency);
      lastDelivery.set(key, Math.max(lastDelivery.get(key) ?? 0, latency));
    }
  });
  for (const client of clients) await client.dispose();

  const deliveries = SUBSCRIBERS * CHANGES;
  const result = [
    `# Live stock fan-out, ${new Date().toISOString()}`,
    '',
    `${SUBSCRIBERS} LiveStock subscribers on one router, ${CHANGES} stock changes on ${SKUS.length} SKUs by ${WRITERS} concurrent writers through the same router (embedded, SQLite, Node ${process.version}).`,
    '',
    '| measure | value |',
    '|---|---|',
    `| deliveries | ${deliveries} |`,
    `| lost, extra or out of order | ${problems.length} |`,
    `| burst to last delivery | ${elapsed.toFixed(2)} s |`,
    `| delivered events/s | ${Math.round(deliveries / elapsed)} |`,
    `| change to delivery p50 / p99 | ${p(latencies, 50).toFixed(0)} / ${p(latencies, 99).toFixed(0)} ms |`,
    `| change to last subscriber p50 / p99 | ${p([...lastDelivery.values()], 50).toFixed(0)} / ${p([...lastDelivery.values()], 99).toFixed(0)} ms |`,
    '',
    problems.length
      ? `Problems (first 20):\n\n${problems
          .slice(0, 20)
          .map((problem) => `- ${problem}`)
          .join('\n')}`
      : 'Every subscriber received every change, in order per SKU, with the product name.',
    '',
  ].join('\n');
  process.stdout.write(result);
  const resultsDir = join(import.meta.dirname, 'results');
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, `${new Date().toISOString().slice(0, 10)}-live-stock-fanout${quick ? '-quick' : ''}.md`), result);
  if (problems.length) exitCode = 1;
} catch (error) {
  progress(`bench failed: ${(error as Error).message}`);
  exitCode = 1;
} finally {
  await system.close();
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(exitCode);
