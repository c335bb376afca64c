/**
 * Routers on our supergraph (issue 10): the same workloads, on the same six
 * subgraphs, through our router, vanilla @apollo/gateway and Hive Gateway
 * (default and JIT), alternating the routers within each round so drift of the
 * machine shows. See bench/README.md for how to read the numbers.
 *
 *   npm run bench                      full run (2 rounds, 5 s warm-up, 20 s per run)
 *   npm run bench -- --quick           proves it runs, in about 3 minutes, with smaller sets
 *   npm run bench -- --rounds 3 --seconds 30 --warmup 5 --routers ours,apollo --workloads light,write-mix
 *   npm run bench -- --seed 7 --mysql  other random choices; the subgraphs on MariaDB/MySQL (MYSQL_URL)
 *   npm run bench -- --workloads fanout --transports ws,sse   the fan-out over some of its transports only
 *
 * Workloads, always run in this order: the reads (the long-tail light,
 * order-detail, heavy and partner, then the burst; read-workloads.ts), whose
 * reference answers were captured before anything changed; then the write mix
 * (new orders and stock levels, which would change those answers); then the
 * fan-out (stock changes), once per subscription transport. Each request's
 * body and caller are drawn at random from the seed (--seed), which the
 * report prints.
 *
 * The subgraphs run in this process (SQLite, fresh DATA_DIR, demo data; with
 * --mysql fresh MariaDB/MySQL databases, dropped at the end); each
 * router in a child process started afresh for every run; the load generator
 * and the fan-out's subscribers in others. The result goes to
 * bench/results/<date>-<name>.md (-quick for the quick mode; the name is
 * `routers` unless --name says otherwise) with an SVG chart beside it.
 */

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { createTokenMinter } from '../platform/auth/jwt.ts';
import { withoutUnusableCache } from './cache-bench.ts';
import { type ProfileSummary, profileIn, profileSection, summarizeProfile } from './cpu-profile.ts';
import { FANOUT_SKUS, failedFanout, fanoutLevels, runFanout } from './fanout.ts';
import { type LoadOptions, type LoadResult, runLoad } from './load.ts';
import { describeError, measured } from './measure.ts';
import { BENCH_CALLER, BENCH_IDENTITY_HEADER, signedIdentity } from './peers/shared.ts';
import { rawUpdateRate } from './raw-update.ts';
import { buildReadWorkloads, FULL_SIZES, probeCallers, QUICK_SIZES, READS, type ReadWorkload } from './read-workloads.ts';
import { type BenchResults, type BenchSettings, chartPanels, markdownReport, type Run, runLine, summarize, svgChart } from './report.ts';
import { type FanoutRun, fanoutProblems, fanoutRunLine, summarizeFanout } from './report-fanout.ts';
import { rate } from './report-format.ts';
import { summarizeWrites, type WriteRun, writeRunLine } from './report-writes.ts';
import { ROUTERS, type RouterUnderTest, type RunningRouter, startRouter, TRANSPORT_LABELS, TRANSPORTS, type Transport } from './routers.ts';
import { stockKeeper } from './stock-keeper.ts';
import { type BenchSystem, startSubgraphs } from './system.ts';
import { brokenInvariant, checkWriteRun, planWriteMix, restockForRun } from './write-mix.ts';

const args = process.argv.slice(2);
/** The last occurrence wins, so an npm script's defaults can be overridden after `--`. */
const option = (name: string) => {
  const at = args.lastIndexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : undefined;
};
const quick = args.includes('--quick');
/** A CPU profile of our router per read workload: in the full run unless --no-profile, in --quick only with --profile. */
const profiling = args.includes('--profile') || (!quick && !args.includes('--no-profile'));
/** --profile-router ours-cached: which of our routers the profile runs are of (default `ours`); it must be among --routers. */
const profiledKey = option('profile-router') ?? 'ours';
/** --mysql: the subgraphs on MariaDB/MySQL (MYSQL_URL, by default the local server) instead of SQLite. */
const mysqlUrl = args.includes('--mysql') ? process.env.MYSQL_URL || 'mysql://root@127.0.0.1:3306/' : undefined;
/** Every random choice of the run (the catalogue pages generated, each client's requests and callers) follows from it. */
const DEFAULT_SEED = 20261204;
const settings: BenchSettings = {
  quick,
  connections: Number(option('connections') ?? 50),
  warmupSeconds: Number(option('warmup') ?? (quick ? 1 : 5)),
  // --quick counts 2 s per run: five read workloads on four routers, each on a freshly started router, must fit in about 3 minutes.
  seconds: Number(option('seconds') ?? (quick ? 2 : 20)),
  rounds: Number(option('rounds') ?? (quick ? 1 : 2)),
  seed: Number(option('seed') ?? DEFAULT_SEED),
  database: '',
  orders: 0,
  members: 0,
  notes: [],
};
if (!Number.isSafeInteger(settings.seed) || settings.seed < 0) {
  process.stderr.write(`--seed takes a whole number from 0; received ${option('seed')}\n`);
  process.exit(2);
}
/** The hot SKU's stock per write run: few enough that every router sells it out within the counted window. */
const writeUnits = Number(option('stock') ?? (quick ? 80 : 500));
const subscribers = Number(option('subscribers') ?? (quick ? 100 : 1000));
const changes = Number(option('changes') ?? (quick ? 20 : 100));
const name = option('name') ?? 'routers';
/**
 * The write mix warms up for at least 2 s: the first 50 concurrent placements
 * after a router starts take 2-4 s to be answered (cold router, and SQLite
 * writes them one at a time), so after --quick's 1 s warm-up the counted
 * window of a slower router held next to no answers.
 */
const writeWarmupSeconds = Math.max(2, settings.warmupSeconds);

const WORKLOADS = [...READS, 'write-mix', 'fanout'];
const routerKeys = option('routers')?.split(',') ?? ROUTERS.map((router) => router.key);
const routers = ROUTERS.filter((router) => routerKeys.includes(router.key));
const workloadKeys = option('workloads')?.split(',') ?? WORKLOADS;
const transportKeys = option('transports')?.split(',') ?? [...TRANSPORTS];
/** The fan-out's transports, run in TRANSPORTS' order whatever order --transports lists them in. */
const transports = TRANSPORTS.filter((transport) => transportKeys.includes(transport));
const unknown = [
  ...workloadKeys.filter((key) => !WORKLOADS.includes(key)),
  ...routerKeys.filter((key) => !ROUTERS.some((r) => r.key === key)),
  ...transportKeys.filter((key) => !(TRANSPORTS as readonly string[]).includes(key)),
];
if (unknown.length) {
  process.stderr.write(
    `unknown workload, router or transport: ${unknown.join(', ')} (workloads: ${WORKLOADS.join(', ')}; routers: ${ROUTERS.map((r) => r.key).join(', ')}; transports: ${TRANSPORTS.join(', ')})\n`,
  );
  process.exit(2);
}
const selected = (key: string) => workloadKeys.includes(key);
const progress = (line: string) => process.stderr.write(`${line}\n`);

const loadOn = (system: BenchSystem, running: RunningRouter, options: Omit<LoadOptions, 'url'>) =>
  measured<LoadResult>(
    system,
    running,
    (startWindow) => runLoad({ ...options, url: running.url }, startWindow),
    (result) => result.requests,
  );

const started = Date.now();
progress(
  `starting the six subgraphs (${mysqlUrl ? 'MariaDB/MySQL, fresh databases' : 'SQLite, fresh DATA_DIR'}, demo data); seed ${settings.seed}`,
);
const system = await startSubgraphs({ mysqlUrl });
settings.database = system.database;
withoutUnusableCache(routers, system.cacheNote, settings.notes);
let exitCode = 0;
const fail = (why: string) => {
  progress(why);
  exitCode = 1;
};
try {
  const mint = await createTokenMinter(system.secrets.jwtPrivateKey!, {
    issuer: system.config.jwtIssuer,
    audience: system.config.jwtAudience,
  });
  // The caller every workload runs as; the peers forward the same identity (peers/shared.ts).
  // The staff caller of the write mix and the fan-out; the peers forward the same identity (peers/shared.ts).
  const token = await mint({ subject: BENCH_CALLER.subject!, kind: 'staff', scopes: BENCH_CALLER.scopes, ttlSeconds: 24 * 3600 });
  const headers = { authorization: `Bearer ${token}` };
  const staff = { ...headers, [BENCH_IDENTITY_HEADER]: signedIdentity(BENCH_CALLER, system.secrets.internalAuthSecret) };
  const keeper = stockKeeper(system);
  const ours = ROUTERS.find((router) => router.key === 'ours')!;
  /** The routers that serve `transport`, in the bench's order. */
  const servingOver = (transport: Transport) => routers.filter((router) => router.transports.includes(transport));
  const fanoutRunsPerRound = transports.reduce((sum, transport) => sum + servingOver(transport).length, 0);
  const count = (key: string) => (selected(key) ? settings.rounds * (key === 'fanout' ? fanoutRunsPerRound : routers.length) : 0);
  const total = WORKLOADS.reduce((sum, key) => sum + count(key), 0);
  let done = 0;
  const step = () => `[${++done}/${total}]`;

  // Reads: the shop, the callers and the reference answers, through our router, before anything else changes them.
  const reads: ReadWorkload[] = [];
  if (READS.some(selected)) {
    const setupRouter = await startRouter(ours, system.env, system.subgraphUrls);
    try {
      const built = await buildReadWorkloads({
        routerUrl: setupRouter.url,
        mint,
        internalAuthSecret: system.secrets.internalAuthSecret,
        keeper,
        seed: settings.seed,
        sizes: quick ? QUICK_SIZES : FULL_SIZES,
        selected,
        progress,
      });
      reads.push(...built.workloads);
      settings.orders = built.orders;
      settings.members = built.members;
    } finally {
      await setupRouter.stop();
    }
  }

  const runs: Run[] = [];
  for (const workload of reads) {
    for (let round = 1; round <= settings.rounds; round++) {
      progress(`${workload.name}, round ${round}/${settings.rounds}`);
      for (const router of routers) {
        const running = await startRouter(router, system.env, system.subgraphUrls);
        try {
          const probed = await probeCallers(running.url, workload.callerProbe);
          if (probed) fail(`      ${router.label}: ${probed}`);
          const { value: result, usage } = await loadOn(system, running, {
            callers: workload.callers,
            seed: settings.seed,
            requests: workload.requests,
            connections: settings.connections,
            warmupSeconds: settings.warmupSeconds,
            seconds: settings.seconds,
          });
          const run: Run = { workload: workload.name, router: router.key, round, result, ...usage };
          runs.push(run);
          progress(`${runLine(run, router.label)}  ${step()}`);
          if (result.errors) progress(`      first error: ${result.errorSamples[0]?.slice(0, 200)}`);
        } finally {
          await running.stop();
        }
      }
    }
  }

  // Where our router's time goes: one more run per read workload under --cpu-prof, not counted above.
  const profiles: { workload: string; requestsPerSecond: number; summary: ProfileSummary }[] = [];
  const profiled = routers.find((router) => router.key === profiledKey && router.script === ours.script);
  if (profiling && profiled) {
    for (const workload of reads.filter((read) => !read.burst)) {
      progress(`${workload.name}: profiling ${profiled.label}`);
      const dir = mkdtempSync(join(tmpdir(), 'bench-profile-'));
      try {
        const running = await startRouter(profiled, system.env, system.subgraphUrls, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
        let result: LoadResult;
        try {
          ({ value: result } = await loadOn(system, running, {
            callers: workload.callers,
            seed: settings.seed,
            requests: workload.requests,
            connections: settings.connections,
            warmupSeconds: settings.warmupSeconds,
            seconds: settings.seconds,
          }));
        } finally {
          // The profile is written when the router exits.
          await running.stop();
        }
        // The profile starts with the process; the counted window starts after it listened and warmed up.
        const summary = summarizeProfile(profileIn(dir), running.startSeconds + settings.warmupSeconds);
        profiles.push({ workload: workload.name, requestsPerSecond: result.requestsPerSecond, summary });
        const top = summary.parts.slice(0, 3).map((part) => `${part.part} ${(part.share * 100).toFixed(0)}%`);
        progress(`  ${Math.round(result.requestsPerSecond)} req/s; busy time: ${top.join(', ')}`);
      } finally {
        if (process.env.KEEP_PROFILE) progress(`kept ${dir}`);
        else rmSync(dir, { recursive: true, force: true });
      }
    }
  }

  // The write mix: one hot SKU, restocked before every run, its invariant checked after it.
  const writeRuns: WriteRun[] = [];
  const writeTitle = 'Write mix: placeOrder on one hot SKU';
  let writeDescription = '';
  if (selected('write-mix')) {
    const mix = await planWriteMix(keeper, writeUnits);
    writeDescription = `Contract \`PlaceOrder\` (one line of 1, 2, 1 or 3 units, drawn at random per request, a fresh idempotency key per request) of the one SKU ${mix.hotSku} by all ${settings.connections} connections at once; ${mix.units} units available at the start of each run (restocked before it), so it sells out within the run and the last units are fought over. The warm-up (${writeWarmupSeconds} s) places orders of another SKU (${mix.warmupSku}). Orders/s: placements answered in the counted window per second up to the last one (while stock lasted); p50/p99 of the placements; refusals: INSUFFICIENT_STOCK, expected once sold out; anything else is an error. After each run the SKU's ledger and levels (from the stock subgraph) must show no unit promised twice, no level below zero, and exactly the placed orders reserved.`;
    for (let round = 1; round <= settings.rounds; round++) {
      progress(`${writeTitle} (${mix.hotSku}, ${mix.units} units), round ${round}/${settings.rounds}`);
      for (const router of routers.filter((candidate) => !candidate.readsOnly)) {
        const start = await restockForRun(keeper, mix, `${router.key} round ${round}`);
        const running = await startRouter(router, system.env, system.subgraphUrls);
        let measuredRun: Awaited<ReturnType<typeof loadOn>>;
        try {
          measuredRun = await loadOn(system, running, {
            callers: [staff],
            seed: settings.seed,
            requests: mix.requests,
            warmupRequests: mix.warmupRequests,
            connections: settings.connections,
            warmupSeconds: writeWarmupSeconds,
            seconds: settings.seconds,
          });
        } finally {
          await running.stop();
        }
        const { value: result, usage } = measuredRun;
        const check = await checkWriteRun(keeper, mix, start, result.placed?.orders ?? []);
        // The orders are checked; the report needs none of them.
        const run: WriteRun = {
          router: router.key,
          round,
          result: { ...result, placed: result.placed && { ...result.placed, orders: [] } },
          check,
          ...usage,
        };
        writeRuns.push(run);
        progress(`${writeRunLine(run, router.label)}  ${step()}`);
        if (result.errors) progress(`      first error: ${result.errorSamples[0]?.slice(0, 200)}`);
        const broken = brokenInvariant(check);
        if (broken) fail(`      ${router.label} broke the write invariant: ${broken}`);
      }
    }
    if (system.mysqlDatabaseUrl) {
      const [level] = await keeper.levels(mix.hotSku);
      const { seconds, connections } = settings;
      const raw = await rawUpdateRate(
        system.mysqlDatabaseUrl('stock'),
        { skuCode: mix.hotSku, warehouseId: level!.warehouse.id },
        connections,
        seconds,
      );
      progress(`    the database alone: ${rate(raw.updatesPerSecond)} guarded updates/s of one stock level`);
      writeDescription += ` The database's own ceiling, beside orders/s: the same conditional UPDATE a reservation makes, sent straight to the stock database on the hot SKU's level by ${connections} connections (autocommit, deltas 0) for ${seconds} s, ran ${rate(raw.updatesPerSecond)} times a second (\`raw-update.ts\`).`;
    }
  }

  // The fan-out: per transport, the routers that serve it, N subscribers each, M changes.
  const fanoutRuns: FanoutRun[] = [];
  const fanoutTitle = 'LiveStock fan-out';
  const fanoutDescription = `${subscribers} subscribers to contract \`LiveStock\` (${FANOUT_SKUS.join(', ')}) per run, over one transport per run (${transports.map((transport) => TRANSPORT_LABELS[transport]).join('; ')}), each subscriber on its own connection (its own socket, or its own HTTP stream), in a process of their own; ${changes} stock changes (+1 corrections made on the stock subgraph directly) by 10 concurrent writers once every subscriber has received a warm-up change. Events/s: deliveries from the first change to the last delivery; delivery p50/p99: from a change's commit to its arrival at a subscriber; write → last subscriber: to the last subscriber that got it. Every subscriber must get every change once, in order per level, with the product name resolved from the catalogue per event. Subgraph requests and SQL per delivered event, the harness's writes included.`;
  /** One fan-out run on a freshly started router. */
  const fanoutRun = async (router: RouterUnderTest, transport: Transport, round: number, warehouses: Map<string, string>) => {
    const options = { transport, subscribers, changes, progress };
    const running = await startRouter(router, system.env, system.subgraphUrls);
    const subscriptionsBefore = system.subscriptionsStarted();
    const upstream = () => ({ router: router.key, round, upstreamSubscriptions: system.subscriptionsStarted() - subscriptionsBefore });
    try {
      const { value: result, usage } = await measured(
        system,
        running,
        (startWindow) => runFanout(running.url, headers, keeper, warehouses, options, startWindow),
        (result) => result.delivered,
      );
      return { ...upstream(), result, ...usage };
    } catch (error) {
      // One router's run falling over is a result to report (ours failing still fails the bench, below), not the end of the bench.
      const result = failedFanout(options, `the run failed: ${describeError(error)}`);
      const usage = {
        peakRss: running.peakRss(),
        routerCores: 0,
        subgraphCores: 0,
        routerCpuMsPerAnswer: 0,
        subgraphCpuMsPerAnswer: 0,
        subgraphFetches: 0,
        sqlStatements: 0,
      };
      return { ...upstream(), result, ...usage };
    } finally {
      await running.stop();
    }
  };
  if (selected('fanout')) {
    const warehouses = await fanoutLevels(keeper);
    for (let round = 1; round <= settings.rounds; round++) {
      for (const transport of transports) {
        progress(`${fanoutTitle} over ${transport} (${subscribers} subscribers, ${changes} changes), round ${round}/${settings.rounds}`);
        for (const router of servingOver(transport)) {
          const run: FanoutRun = await fanoutRun(router, transport, round, warehouses);
          fanoutRuns.push(run);
          progress(`${fanoutRunLine(run, router.label)}  ${step()}`);
          if (run.result.errorSamples.length) progress(`      first error: ${run.result.errorSamples[0]?.slice(0, 200)}`);
        }
      }
    }
  }

  const results: BenchResults = {
    reads: reads.map((workload) => summarize(runs, workload, routers)),
    writes: selected('write-mix') ? summarizeWrites(writeRuns, writeTitle, writeDescription, routers) : null,
    fanout: selected('fanout') ? summarizeFanout(fanoutRuns, fanoutTitle, fanoutDescription, routers, transports) : null,
  };
  const missing = ROUTERS.filter((router) => !routers.includes(router));
  if (missing.length) settings.notes.push(`Not run this time: ${missing.map((router) => router.label).join(', ')}.`);
  if (quick) {
    const [q, f] = [QUICK_SIZES, FULL_SIZES];
    settings.notes.push(
      `Quick mode uses smaller sets than the full run: ${q.members} members × ${q.ordersPerMember} orders (full: ${f.members} × ${f.ordersPerMember}), ${q.searchPages} catalogue pages (${f.searchPages}), ${q.heavyBodies} heavy bodies (${f.heavyBodies}), ${q.partners} partner keys (${f.partners}).`,
    );
  }
  const skipped = WORKLOADS.filter((key) => !selected(key));
  if (skipped.length) settings.notes.push(`Workloads not run this time: ${skipped.join(', ')}.`);
  settings.notes.push(
    'Every request carries its caller twice: the credential our router reads (a bearer JWT or an x-api-key) and the identity our router derives from it, signed by the harness once per caller, in `x-bench-identity`, which the peers copy into the identity header of every subgraph fetch (bench/peers/shared.ts). Our router verifies the credential and signs the header itself, ignores `x-bench-identity`, and enforces @authenticated/@requiresScopes, which the peers skip.',
    `Total time ${Math.round((Date.now() - started) / 1000)} s.`,
  );
  const environment = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${Math.round(totalmem() / 1024 ** 3)} GB, Node ${process.version}; the six subgraphs in one process, each router in its own, the load generator (or the fan-out's subscribers) in a third`;
  const date = new Date().toISOString().slice(0, 10);
  const file = `${date}-${name}${quick ? '-quick' : ''}`;
  const resultsDir = join(import.meta.dirname, 'results');
  mkdirSync(resultsDir, { recursive: true });
  const report = markdownReport(results, settings, environment, `${file}.svg`) + profileSection(profiles);
  writeFileSync(join(resultsDir, `${file}.md`), report);
  writeFileSync(
    join(resultsDir, `${file}.svg`),
    svgChart(chartPanels(results), `Routers on our supergraph, ${date}${quick ? ' (quick)' : ''}`),
  );
  progress(`wrote bench/results/${file}.md and .svg (total ${Math.round((Date.now() - started) / 1000)} s)`);
  if (!quick) process.stdout.write(report);

  // Our router must answer every request correctly and deliver every event; any router overselling fails the run
  // (above); the peers' errors are reported, not fatal.
  const ourErrors = [...runs, ...writeRuns].filter((run) => run.router === 'ours').reduce((sum, run) => sum + run.result.errors, 0);
  if (ourErrors) fail(`our router answered ${ourErrors} request(s) wrongly`);
  const ourUnanswered = writeRuns.filter((run) => run.router === 'ours').reduce((sum, run) => sum + run.check.unanswered, 0);
  if (ourUnanswered) fail(`our router lost the answers of ${ourUnanswered} placed order(s)`);
  for (const run of fanoutRuns.filter((r) => r.router === 'ours')) {
    const problems = fanoutProblems(run.result);
    if (problems) fail(`our router's fan-out over ${run.result.transport}, round ${run.round}: ${problems}`);
  }
} catch (error) {
  fail(`bench failed: ${describeError(error)}\n${(error as Error).stack ?? ''}`);
} finally {
  await system.close();
}
process.exit(exitCode);
