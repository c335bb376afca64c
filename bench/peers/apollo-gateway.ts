/**
 * Router child (b): vanilla @apollo/gateway in Apollo Server's standalone
 * server, as a team would run it without our router: default options, the
 * supergraph our router serves, and on every subgraph fetch the identity
 * header of the request's caller (its `x-bench-identity`, see shared.ts) so
 * the subgraphs answer it as they answer ours.
 */
import { ApolloGateway, type GraphQLDataSourceProcessOptions, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { IDENTITY_HEADER } from '../../platform/auth/identity-header.ts';
import { BENCH_IDENTITY_HEADER, benchIdentityHeader, childSettings, peerSupergraph, reportListening } from './shared.ts';

const { subgraphUrls } = childSettings();
const staffIdentity = benchIdentityHeader();

/** The request context: the caller's signed identity, taken from the client request. */
type BenchContext = { identity: string };

class IdentifiedDataSource extends RemoteGraphQLDataSource<BenchContext> {
  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<BenchContext>): void {
    request.http?.headers.set(IDENTITY_HEADER, context.identity ?? staffIdentity);
  }
}

const gateway = new ApolloGateway({
  supergraphSdl: peerSupergraph(subgraphUrls),
  buildService: ({ url }) => new IdentifiedDataSource({ url }),
});
const server = new ApolloServer<BenchContext>({ gateway, stopOnTerminationSignals: false });
const { url } = await startStandaloneServer(server, {
  listen: { host: '127.0.0.1', port: 0 },
  context: async ({ req }) => {
    const identity = req.headers[BENCH_IDENTITY_HEADER];
    return { identity: typeof identity === 'string' ? identity : staffIdentity };
  },
});
reportListening(url, () => server.stop());
