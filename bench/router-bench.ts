/**
 * Routers on our supergraph (issue 10): the same workloads, on the same six
 * subgraphs, through our router, vanilla @apollo/gateway and Hive Gateway
 * (default and JIT), alternating the routers within each round so drift of the
 * machine shows. See bench/README.md for how to read the numbers.
 *
 *   npm run bench                      full run (2 rounds, 5 s warm-up, 20 s per run)
 *   npm run bench -- --quick           proves it runs, in under 3 minutes
 *   npm run bench -- --rounds 3 --seconds 30 --warmup 5 --routers ours,apollo --workloads light
 *
 * The subgraphs run in this process (SQLite, fresh DATA_DIR, demo data); each
 * router in a child process started afresh for every run; the load generator
 * in another. The result goes to bench/results/<date>-routers.md
 * (-quick for the quick mode) with an SVG chart beside it.
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { createTokenMinter } from '../subgraphs/kit/auth/jwt.ts';
import { type LoadRequest, runLoad } from './load.ts';
import { BENCH_CALLER } from './peers/shared.ts';
import { type BenchSettings, markdownReport, type Run, runLine, summarize, svgChart } from './report.ts';
import { cpuSecondsOf, ROUTERS, startRouter } from './routers.ts';
import { graphqlAt, openShop } from './shop.ts';
import { startSubgraphs } from './system.ts';
import { body, HEAVY_NESTED, HEAVY_VARIABLES, LIGHT_VARIABLES, ORDER_DETAIL, PRODUCT_SEARCH } from './workloads.ts';

const args = process.argv.slice(2);
const option = (name: string) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : undefined;
};
const quick = args.includes('--quick');
const settings: BenchSettings = {
  quick,
  connections: Number(option('connections') ?? 50),
  warmupSeconds: Number(option('warmup') ?? (quick ? 1 : 5)),
  seconds: Number(option('seconds') ?? (quick ? 3 : 20)),
  rounds: Number(option('rounds') ?? (quick ? 1 : 2)),
  orders: 0,
  notes: [],
};
const members = quick ? 3 : 10;
const ordersPerMember = quick ? 3 : 5;
const routerKeys = option('routers')?.split(',') ?? ROUTERS.map((router) => router.key);
const routers = ROUTERS.filter((router) => routerKeys.includes(router.key));
const workloadKeys = option('workloads')?.split(',');
const progress = (line: string) => process.stderr.write(`${line}\n`);

const started = Date.now();
progress('starting the six subgraphs (SQLite, fresh DATA_DIR, demo data)');
const system = await startSubgraphs();
let exitCode = 0;
try {
  const mint = await createTokenMinter(system.secrets.jwtPrivateKey!, {
    issuer: system.config.jwtIssuer,
    audience: system.config.jwtAudience,
  });
  // The caller every workload runs as; the peers forward the same identity (peers/shared.ts).
  const token = await mint({ subject: BENCH_CALLER.subject!, kind: 'staff', scopes: BENCH_CALLER.scopes, ttlSeconds: 24 * 3600 });
  const ours = ROUTERS.find((router) => router.key === 'ours')!;

  progress(`setting up ${members * ordersPerMember} paid orders through our router`);
  const setupRouter = await startRouter(ours, system.env, system.subgraphUrls);
  const workloads: { name: string; description: string; requests: LoadRequest[] }[] = [];
  try {
    const { orderIds } = await openShop(setupRouter.url, mint, { members, ordersPerMember, progress });
    settings.orders = orderIds.length;
    const candidates = [
      {
        key: 'light',
        name: 'Light: catalogue page with stock',
        description: `Contract \`ProductSearch\` (catalogue, then stock for every SKU on the page), ${LIGHT_VARIABLES.length} variable sets in turn (10-20 products each).`,
        bodies: LIGHT_VARIABLES.map((variables) => body(PRODUCT_SEARCH, variables)),
      },
      {
        key: 'order-detail',
        name: 'OrderDetail across six subgraphs',
        description: `Contract \`OrderDetail\` (orders, members, catalogue, payments, invoices, stock keys) for each of ${orderIds.length} paid orders in turn.`,
        bodies: orderIds.map((id) => body(ORDER_DETAIL, { id })),
      },
      {
        key: 'heavy',
        name: 'Heavy nested',
        description:
          'The 50 newest orders → lines → SKU (stock levels per warehouse) → product → brand/category/fitments, payments, and each member → their orders → lines → SKU → product → brand.',
        bodies: HEAVY_VARIABLES.map((variables) => body(HEAVY_NESTED, variables)),
      },
    ].filter((candidate) => !workloadKeys || workloadKeys.includes(candidate.key));

    progress('capturing the reference answers from our router');
    const graphql = graphqlAt(setupRouter.url);
    for (const candidate of candidates) {
      const requests: LoadRequest[] = [];
      let bytes = 0;
      for (const text of candidate.bodies) {
        const { query, variables } = JSON.parse(text) as { query: string; variables: Record<string, unknown> };
        const data = await graphql(query, variables, token);
        const expectedData = JSON.stringify(data);
        bytes += expectedData.length;
        requests.push({ body: text, expectedData });
      }
      workloads.push({ name: candidate.name, description: candidate.description, requests });
      progress(
        `  ${candidate.name}: ${requests.length} request(s), answers of ${Math.round(bytes / requests.length / 1024)} KB on average`,
      );
    }
  } finally {
    await setupRouter.stop();
  }

  const runs: Run[] = [];
  const total = workloads.length * settings.rounds * routers.length;
  let done = 0;
  for (const workload of workloads) {
    for (let round = 1; round <= settings.rounds; round++) {
      progress(`${workload.name}, round ${round}/${settings.rounds}`);
      for (const router of routers) {
        done++;
        const running = await startRouter(router, system.env, system.subgraphUrls);
        try {
          const cpu = () => ({
            at: performance.now(),
            router: running.cpuSeconds(),
            subgraphs: cpuSecondsOf(process.pid),
            fetches: system.subgraphRequests(),
          });
          let from = cpu();
          const result = await runLoad(
            {
              url: running.url,
              headers: { authorization: `Bearer ${token}` },
              requests: workload.requests,
              connections: settings.connections,
              warmupSeconds: settings.warmupSeconds,
              seconds: settings.seconds,
            },
            () => {
              from = cpu();
            },
          );
          const until = cpu();
          const wall = (until.at - from.at) / 1000;
          const run: Run = {
            workload: workload.name,
            router: router.key,
            round,
            result,
            peakRss: running.peakRss(),
            routerCores: (until.router - from.router) / wall,
            subgraphCores: (until.subgraphs - from.subgraphs) / wall,
            subgraphFetches: (until.fetches - from.fetches) / Math.max(1, result.requests),
          };
          runs.push(run);
          progress(`${runLine(run, router.label)}  [${done}/${total}]`);
          if (result.errors) progress(`      first error: ${result.errorSamples[0]?.slice(0, 200)}`);
        } finally {
          await running.stop();
        }
      }
    }
  }

  const summaries = workloads.map((workload) => summarize(runs, workload, routers));
  const missing = ROUTERS.filter((router) => !routers.includes(router));
  if (missing.length) settings.notes.push(`Not run this time: ${missing.map((router) => router.label).join(', ')}.`);
  settings.notes.push(
    'The peers forward one identity header signed before the run (bench/peers/shared.ts); our router verifies each request’s JWT and signs the header per request, and enforces @authenticated/@requiresScopes, which the peers skip.',
    `Total time ${Math.round((Date.now() - started) / 1000)} s.`,
  );
  const environment = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${Math.round(totalmem() / 1024 ** 3)} GB, Node ${process.version}; the six subgraphs in one process, each router in its own, the load generator in a third`;
  const date = new Date().toISOString().slice(0, 10);
  const name = `${date}-routers${quick ? '-quick' : ''}`;
  const resultsDir = join(import.meta.dirname, 'results');
  mkdirSync(resultsDir, { recursive: true });
  const report = markdownReport(summaries, settings, environment, `${name}.svg`);
  writeFileSync(join(resultsDir, `${name}.md`), report);
  writeFileSync(join(resultsDir, `${name}.svg`), svgChart(summaries, `Requests/s on our supergraph, ${date}${quick ? ' (quick)' : ''}`));
  progress(`wrote bench/results/${name}.md and .svg`);
  if (!quick) process.stdout.write(report);
  // Our router must answer every request correctly; the peers' errors are reported, not fatal.
  const ourErrors = runs.filter((run) => run.router === 'ours').reduce((sum, run) => sum + run.result.errors, 0);
  if (ourErrors) {
    progress(`our router answered ${ourErrors} request(s) wrongly`);
    exitCode = 1;
  }
} catch (error) {
  progress(`bench failed: ${(error as Error).stack ?? error}`);
  exitCode = 1;
} finally {
  await system.close();
}
process.exit(exitCode);
