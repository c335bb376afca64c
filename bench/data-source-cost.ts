/**
 * What one subgraph fetch costs the router's data source (issue 18): CPU
 * microseconds per fetch of `SignedDataSource.process`, the path every fetch
 * of a query plan takes (headers, identity, POST over the pool, the answer
 * read), with the entity cache and resilience off. A forked child answers
 * each fetch with the same 12-SKU stock answer (about 0.6 KB), so this
 * process's CPU is the data source's and Node's HTTP client's alone. 20
 * fetches in flight; no two fetches may be merged (each has its own write
 * generation); 4,000 warm-up fetches, then three counted rounds.
 *   node --no-warnings bench/data-source-cost.ts [fetches per round=20000]
 * To compare two versions, run it in a checkout of each, alternately.
 */
import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { RouterContext } from '../router/context.ts';
import { SignedDataSource } from '../router/signed-data-source.ts';
import { subgraphHttp } from '../router/subgraph-http.ts';

const IN_FLIGHT = 20;
const QUERY = 'query($representations:[_Any!]!){_entities(representations:$representations){...on Sku{stock{available lowStock}}}}';
const SKUS = Array.from({ length: 12 }, (_, i) => ({ __typename: 'Sku', code: `BP-VW-GOLF-${i}` }));

if (process.argv[2] === '--answer') {
  // The child: one canned answer for every POST.
  const text = JSON.stringify({ data: { _entities: SKUS.map((sku) => ({ ...sku, stock: { available: 12, lowStock: false } })) } });
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end(text);
    });
  });
  server.keepAliveTimeout = 30_000;
  server.listen(0, '127.0.0.1', () => process.send?.((server.address() as { port: number }).port));
} else {
  const perRound = Number(process.argv[2] ?? 20_000);
  const child = fork(new URL(import.meta.url), ['--answer'], { execArgv: ['--no-warnings'] });
  const port = await new Promise<number>((resolve) => child.once('message', (message) => resolve(Number(message))));
  const http = subgraphHttp();
  const source = new SignedDataSource({
    url: `http://127.0.0.1:${port}/graphql`,
    secret: 'a-bench-secret-of-at-least-32-characters',
    subgraph: 'stock',
    http,
  });
  let sent = 0;
  const fetchOnce = () => {
    sent++;
    const context = { requestId: `r${sent}`, identity: { kind: 'member', subject: 'm', scopes: [] }, writeGeneration: String(sent) };
    return source.process({
      kind: 'incoming operation',
      request: { query: QUERY, variables: { representations: SKUS } },
      incomingRequestContext: { operation: { operation: 'query' } },
      context,
    } as unknown as GraphQLDataSourceProcessOptions<RouterContext>);
  };
  const fetches = async (count: number) => {
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        for (let i = 0; i < count / IN_FLIGHT; i++) {
          const answer = await fetchOnce();
          if (answer.errors || !Array.isArray((answer.data as { _entities?: unknown })?._entities)) throw new Error('unexpected answer');
        }
      }),
    );
  };
  await fetches(4_000);
  for (let round = 1; round <= 3; round++) {
    const before = process.cpuUsage();
    await fetches(perRound);
    const used = process.cpuUsage(before);
    console.log(`round ${round}: ${((used.user + used.system) / perRound).toFixed(1)} µs CPU per fetch (${perRound} fetches)`);
  }
  await http.close();
  child.kill();
}
