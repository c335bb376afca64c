/**
 * What one light catalogue page (contract ProductSearch) costs the subgraphs:
 * CPU milliseconds and SQL statements per page (and by kind), and pages/s.
 * This process hosts the six subgraphs (bench/system.ts: SQLite, demo data);
 * a forked child plays 20 clients sending, per page, the router's two
 * operations (the catalogue's products page, then stock's `_entities` of
 * every SKU on it), so this process's CPU is the subgraphs' alone. No two
 * requests have the same variables (demo product words x page sizes 5-24,
 * some with a vehicle, a category or a cursor), and no answer may hold errors.
 *   node --no-warnings bench/light-page-cost.ts [pages=3000] [--profile]
 * --profile writes /tmp/light-page.cpuprofile of the measured window and
 * prints the busiest functions; it inflates the CPU figure.
 */
import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { Session } from 'node:inspector/promises';
import { demoProducts } from '../demo/car-parts.ts';
import { IDENTITY_HEADER } from '../platform/auth/identity-header.ts';
import { watchStatements } from '../platform/db/statement-count.ts';
import { encodeCursor } from '../platform/graphql/pagination.ts';
import { postText } from '../platform/http/post-text.ts';
import { summarizeProfile } from './cpu-profile.ts';
import { benchIdentityHeader } from './peers/shared.ts';
import { startSubgraphs } from './system.ts';

const CATALOGUE_PAGE = `query ProductSearch__catalogue__0($search: String, $fits: VehicleInput, $categoryId: ID, $first: Int, $after: String) {
  products(filter: {search: $search, fitsVehicle: $fits, categoryId: $categoryId}, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { id name brand { id name } category { id name } skus { __typename code name price { amount currencyCode } } } } }
}`;
const STOCK_OF_SKUS =
  'query ProductSearch__stock__1($r: [_Any!]!) { _entities(representations: $r) { ... on Sku { stock { available } } } }';
const CLIENTS = 20;
type Settings = { catalogue: string; stock: string };
type Done = { pages: number; stockRequests: number; skus: number };
type Page = { products: { edges: { node: { skus: { code: string }[] } }[] } };

/** `count` distinct variable sets, the same every run. */
function variablesFor(count: number, categoryIds: string[]): Record<string, unknown>[] {
  const names = demoProducts.map((product) => product.name.toLowerCase().match(/[a-z0-9]+/g) ?? ['']);
  const vehicles = [...new Map(demoProducts.flatMap((p) => p.fitments).map((f) => [`${f.make}/${f.model}`, f])).values()];
  const all = new Map<string, Record<string, unknown>>(); // by their JSON: a repeat is dropped
  for (let i = 0; all.size < count; i++) {
    const words = names[(i * 7) % names.length]!;
    const at = (i >> 3) % words.length;
    const search = i % 3 === 0 ? words[at] : words.slice(at, at + 2).join(' ');
    const vars: Record<string, unknown> = { search, first: 5 + (i % 20) };
    if (i % 5 === 1) {
      const vehicle = vehicles[i % vehicles.length]!;
      vars.search = ['brake', 'filter', 'oil', 'spark plug', 'wiper', 'shock'][i % 6];
      vars.fits = { make: vehicle.make, model: vehicle.model, year: i % 2 ? vehicle.yearFrom : null };
    }
    if (i % 7 === 2) vars.categoryId = categoryIds[i % categoryIds.length];
    if (i % 4 === 3) vars.after = encodeCursor([demoProducts[i % demoProducts.length]!.name, '']);
    all.set(JSON.stringify(vars), vars);
  }
  return [...all.values()];
}

/** The child: the clients. Reports `{ pages, stockRequests }` when done, or throws on any error. */
async function runClients(settings: Settings): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS * 2 });
  const headers = { 'content-type': 'application/json', [IDENTITY_HEADER]: benchIdentityHeader() };
  const ask = async (url: string, query: string, variables: Record<string, unknown>) => {
    const { status, text } = await postText(url, headers, JSON.stringify({ query, variables }), { agent });
    const answer = JSON.parse(text) as { data?: Record<string, unknown>; errors?: unknown[] };
    if (status !== 200 || answer.errors) throw new Error(`HTTP ${status}: ${text.slice(0, 300)} for ${JSON.stringify(variables)}`);
    return answer.data!;
  };
  const tree = await ask(settings.catalogue, '{ categories { id children { id children { id } } } }', {});
  const ids = [...JSON.stringify(tree).matchAll(/"id":"([^"]+)"/g)].map((match) => match[1]!); // every category, any depth
  process.on('message', async (round: { offset: number; pages: number } | 'stop') => {
    if (round === 'stop') {
      agent.destroy();
      return process.disconnect();
    }
    const work = variablesFor(round.offset + round.pages, ids).slice(round.offset);
    const sent = { stockRequests: 0, skus: 0 };
    const client = async () => {
      for (let vars = work.pop(); vars; vars = work.pop()) {
        const page = (await ask(settings.catalogue, CATALOGUE_PAGE, vars)) as Page;
        const codes = page.products.edges.flatMap((edge) => edge.node.skus.map((sku) => sku.code));
        if (!codes.length) continue;
        sent.stockRequests += 1;
        sent.skus += codes.length;
        await ask(settings.stock, STOCK_OF_SKUS, { r: codes.map((code) => ({ __typename: 'Sku', code })) });
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, client)).catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
    process.send!({ pages: round.pages, ...sent });
  });
  process.send!({ ready: true });
}

async function main(): Promise<void> {
  const pages = Number(process.argv.find((arg) => /^\d+$/.test(arg)) ?? 3000);
  const profile = process.argv.includes('--profile');
  const system = await startSubgraphs();
  const settings: Settings = { catalogue: system.subgraphUrls.catalogue, stock: system.subgraphUrls.stock };
  const child = fork(import.meta.filename, ['--clients'], {
    env: { ...system.env, LIGHT_PAGE: JSON.stringify(settings) },
    execArgv: ['--no-warnings'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  void exited.then((code) => (code ? process.exit(1) : undefined)); // the child printed what went wrong
  const next = () => new Promise<Done>((resolve) => child.once('message', resolve as never));
  await next();
  const round = (offset: number, count: number) => {
    child.send({ offset, pages: count });
    return next();
  };
  await round(0, 300); // warm-up: JIT, prepared statements, caches of the process
  const texts: string[] = []; // only pushed to while measuring, grouped by kind afterwards
  watchStatements((sql) => texts.push(sql));
  const session = new Session();
  if (profile) session.connect();
  if (profile) await session.post('Profiler.enable').then(() => session.post('Profiler.start'));
  const [statements, cpu, started] = [system.sqlStatements(), process.cpuUsage(), performance.now()];
  const done = await round(300, pages);
  const [seconds, used, sql] = [(performance.now() - started) / 1000, process.cpuUsage(cpu), system.sqlStatements() - statements];
  watchStatements(null);
  const cpuMs = (used.user + used.system) / 1000;
  console.log(
    `${pages} pages (${done.stockRequests} with SKUs, ${(done.skus / pages).toFixed(1)} SKUs a page) in ${seconds.toFixed(1)} s: ` +
      `${(pages / seconds).toFixed(0)} pages/s, subgraph CPU ${(cpuMs / pages).toFixed(2)} ms/page, SQL ${(sql / pages).toFixed(2)} statements/page`,
  );
  const kinds = new Map<string, number>();
  for (const text of texts) {
    const kind = `${text.replace(/\s+/g, ' ').split(' where ')[0]!.slice(0, 110)} where ...`;
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  }
  for (const [kind, n] of [...kinds].sort((a, b) => b[1] - a[1])) console.log(`  ${(n / pages).toFixed(2)}/page  ${kind}`);
  if (profile) {
    const { profile: recorded } = await session.post('Profiler.stop');
    writeFileSync('/tmp/light-page.cpuprofile', JSON.stringify(recorded));
    const summary = summarizeProfile('/tmp/light-page.cpuprofile', 0, 30);
    for (const fn of summary.functions) console.log(`  ${(fn.share * 100).toFixed(1)}%  ${fn.name}  ${fn.where}`);
  }
  child.send('stop');
  await exited;
  await system.close();
}

if (process.argv.includes('--clients')) await runClients(JSON.parse(process.env.LIGHT_PAGE!) as Settings);
else await main();
