/**
 * Router child (c): Hive Gateway's runtime (@graphql-hive/gateway) on Node's
 * http server, one process like ours (its CLI would fork one worker per core
 * in production), with the supergraph our router serves and on every subgraph
 * fetch the identity header of the request's caller (its `x-bench-identity`,
 * see shared.ts; its header propagation copies it). Its defaults are kept (they merge
 * identical in-flight subgraph requests); BENCH_HIVE_JIT=true adds its JIT
 * executor plugin, what the CLI's --jit does.
 *
 * Subscriptions as its CLI serves them: graphql-ws on the GraphQL path
 * (getGraphQLWSOptions), Server-Sent Events there too (the runtime answers a
 * request accepting `text/event-stream` itself), and to the subgraphs over graphql-ws (its transport
 * `ws`, on each subgraph's own URL) with the staff identity of the fan-out's
 * subscribers in connection_init, which is how our subgraphs authenticate a socket.
 */
import { createServer, type IncomingMessage, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { IDENTITY_HEADER } from '../../platform/auth/identity-header.ts';
import { BENCH_IDENTITY_HEADER, benchIdentityHeader, childSettings, peerSupergraph, reportListening } from './shared.ts';

// Loaded by a name the type checker does not follow: Hive's typings augment graphql's
// GraphQLErrorExtensions for the whole program, which would break our router's own types.
type HiveGateway = RequestListener & { dispose(): Promise<void> | void; graphqlEndpoint: string };
type HiveModule = {
  createGatewayRuntime(config: Record<string, unknown>): HiveGateway;
  getGraphQLWSOptions(
    gateway: HiveGateway,
    context: (ctx: { extra: { request: IncomingMessage } }) => Record<string, unknown>,
  ): Parameters<typeof useServer>[0];
};
const HIVE = '@graphql-hive/gateway';
const JIT_PLUGIN = '@graphql-mesh/plugin-jit';
const { createGatewayRuntime, getGraphQLWSOptions } = (await import(HIVE)) as HiveModule;
const plugins: unknown[] = [];
if (process.env.BENCH_HIVE_JIT === 'true') {
  const { useJIT } = (await import(JIT_PLUGIN)) as { useJIT(): unknown };
  plugins.push(useJIT());
}

const { subgraphUrls } = childSettings();
const staffIdentity = benchIdentityHeader();
const gateway = createGatewayRuntime({
  supergraph: peerSupergraph(subgraphUrls),
  logging: 'error',
  plugins: () => plugins,
  propagateHeaders: {
    fromClientToSubgraphs: ({ request }: { request: Request }) => ({
      [IDENTITY_HEADER]: request.headers.get(BENCH_IDENTITY_HEADER) ?? staffIdentity,
    }),
  },
  transportEntries: {
    '*.http': { options: { subscriptions: { kind: 'ws', options: { connectionParams: { [IDENTITY_HEADER]: staffIdentity } } } } },
  },
});
const http = createServer(gateway);
await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
const { port } = http.address() as AddressInfo;
const origin = `http://127.0.0.1:${port}`;

// What the CLI does (its startNodeHttpServer): the runtime answers graphql-ws messages given the upgrade request as a fetch Request.
const wss = new WebSocketServer({ server: http, path: gateway.graphqlEndpoint });
const headersOf = (request: IncomingMessage) =>
  Object.entries(request.headers).flatMap(([name, value]) => (typeof value === 'string' ? [[name, value] as [string, string]] : []));
const ws = useServer(
  getGraphQLWSOptions(gateway, (ctx) => ({
    req: ctx.extra.request,
    request: new Request(new URL(ctx.extra.request.url ?? '/', origin), { headers: headersOf(ctx.extra.request) }),
  })),
  wss,
);

// The runtime loads the supergraph on its first HTTP request, and a subscription over the socket
// before that finds no schema; our router loads it at start, so load it here too.
const url = `${origin}${gateway.graphqlEndpoint}`;
const ready = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
if (!ready.ok) throw new Error(`Hive Gateway did not answer { __typename }: HTTP ${ready.status} ${await ready.text()}`);

reportListening(url, async () => {
  await ws.dispose();
  http.close();
  await gateway.dispose();
});
