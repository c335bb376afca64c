/**
 * Router child (c): Hive Gateway's runtime (@graphql-hive/gateway) on Node's
 * http server, one process like ours (its CLI would fork one worker per core
 * in production), with the supergraph our router serves and the signed
 * identity header on every subgraph fetch. Its defaults are kept (they merge
 * identical in-flight subgraph requests); BENCH_HIVE_JIT=true adds its JIT
 * executor plugin, what the CLI's --jit does.
 */
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { IDENTITY_HEADER } from '../../subgraphs/kit/auth/identity-header.ts';
import { benchIdentityHeader, childSettings, peerSupergraph, reportListening } from './shared.ts';

// Loaded by a name the type checker does not follow: Hive's typings augment graphql's
// GraphQLErrorExtensions for the whole program, which would break our router's own types.
type HiveGateway = RequestListener & { dispose(): Promise<void> | void };
type HiveModule = { createGatewayRuntime(config: Record<string, unknown>): HiveGateway };
const HIVE = '@graphql-hive/gateway';
const JIT_PLUGIN = '@graphql-mesh/plugin-jit';
const { createGatewayRuntime } = (await import(HIVE)) as HiveModule;
const plugins: unknown[] = [];
if (process.env.BENCH_HIVE_JIT === 'true') {
  const { useJIT } = (await import(JIT_PLUGIN)) as { useJIT(): unknown };
  plugins.push(useJIT());
}

const { subgraphUrls } = childSettings();
const identity = benchIdentityHeader();
const gateway = createGatewayRuntime({
  supergraph: peerSupergraph(subgraphUrls),
  logging: 'error',
  plugins: () => plugins,
  propagateHeaders: { fromClientToSubgraphs: () => ({ [IDENTITY_HEADER]: identity }) },
});
const http = createServer(gateway);
await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
const { port } = http.address() as AddressInfo;
reportListening(`http://127.0.0.1:${port}/graphql`, async () => {
  http.close();
  await gateway.dispose();
});
