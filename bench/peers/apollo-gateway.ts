/**
 * Router child (b): vanilla @apollo/gateway in Apollo Server's standalone
 * server, as a team would run it without our router: default options, the
 * supergraph our router serves, and the signed identity header on every
 * subgraph fetch so the subgraphs answer it as they answer ours.
 */
import { ApolloGateway, type GraphQLDataSourceProcessOptions, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { IDENTITY_HEADER } from '../../platform/auth/identity-header.ts';
import { benchIdentityHeader, childSettings, peerSupergraph, reportListening } from './shared.ts';

const { subgraphUrls } = childSettings();
const identity = benchIdentityHeader();

class IdentifiedDataSource extends RemoteGraphQLDataSource {
  override willSendRequest({ request }: GraphQLDataSourceProcessOptions): void {
    request.http?.headers.set(IDENTITY_HEADER, identity);
  }
}

const gateway = new ApolloGateway({
  supergraphSdl: peerSupergraph(subgraphUrls),
  buildService: ({ url }) => new IdentifiedDataSource({ url }),
});
const server = new ApolloServer({ gateway, stopOnTerminationSignals: false });
const { url } = await startStandaloneServer(server, { listen: { host: '127.0.0.1', port: 0 } });
reportListening(url, () => server.stop());
