import { ANONYMOUS, type Identity } from '../auth/identity.ts';
import { IDENTITY_HEADER, signIdentity } from '../auth/identity-header.ts';
import { loadSecrets } from '../auth/secrets.ts';
import type { Config } from '../config/config.ts';
import { createSubgraphServer, type SubgraphDefinition, type SubgraphOptions, type SubgraphServer } from '../graphql/subgraph.ts';

export type GraphQLResponse<T = Record<string, unknown>> = {
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string } & Record<string, unknown> }[];
};

export type TestSubgraph = {
  server: SubgraphServer;
  url: string;
  /** Sends one operation as the router would, signed for `identity`. */
  request<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    identity?: Identity,
  ): Promise<GraphQLResponse<T>>;
  close(): Promise<void>;
};

export const staff = (...scopes: string[]): Identity => ({ kind: 'staff', subject: 'staff-test', scopes });

/** Starts a real subgraph on a free port and talks to it over HTTP, the way the router does. */
export async function startTestSubgraph<Loaders>(
  definition: SubgraphDefinition<Loaders>,
  config: Config,
  options: { onQuery?: (sql: string) => void; peerUrls?: SubgraphOptions['peerUrls']; bus?: SubgraphOptions['bus'] } = {},
): Promise<TestSubgraph> {
  const secrets = loadSecrets(config);
  const server = await createSubgraphServer(definition, config, {
    secrets,
    onQuery: options.onQuery,
    peerUrls: options.peerUrls,
    bus: options.bus,
  });
  const url = await server.listen(0);
  return {
    server,
    url,
    async request<T>(query: string, variables: Record<string, unknown> = {}, identity: Identity = ANONYMOUS) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: signIdentity(identity, secrets.internalAuthSecret) },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as GraphQLResponse<T>;
    },
    close: () => server.close(),
  };
}
