import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { createTokenMinter } from '../../platform/auth/jwt.ts';
import { loadSecrets, type Secrets } from '../../platform/auth/secrets.ts';
import type { Config } from '../../platform/config/config.ts';
import { createSubgraphServer, type SubgraphServer } from '../../platform/graphql/subgraph.ts';
import type { Logger } from '../../platform/observability/log.ts';
import { testEnvironment } from '../../platform/testing/databases.ts';
import { membersSubgraph } from '../../subgraphs/members/server.ts';
import { createRouter, type Router } from '../server.ts';
import { TEST_SUBGRAPH_SDL, testSubgraph } from './test-subgraph.ts';

/**
 * A real router in front of a real (tiny) subgraph, both on free ports, with
 * development keys in a fresh DATA_DIR. Nothing is mocked: requests travel
 * over HTTP exactly as in production.
 */
export type Harness = {
  config: Config;
  secrets: Secrets;
  dataDir: string;
  /** The router's GraphQL URL; `/health` and `/` are on the same origin. */
  routerUrl: string;
  /** The subgraph's own GraphQL URL (for requests that go around the router). */
  subgraphUrl: string;
  /** HTTP requests the subgraph has received so far. */
  subgraphRequests(): number;
  /** What the router logged as an error (the logger is otherwise silent). */
  loggedErrors: string[];
  token(claims: { scopes?: readonly string[]; subject?: string; kind?: 'staff' | 'member' }): Promise<string>;
  graphql(query: string, options?: GraphQLCallOptions): Promise<GraphQLCall>;
  stopSubgraph(): Promise<void>;
  close(): Promise<void>;
};

export type GraphQLCallOptions = {
  variables?: Record<string, unknown>;
  token?: string;
  headers?: Record<string, string>;
  /** Where to send it; default the router. */
  url?: string;
};

export type GraphQLCall = {
  status: number;
  headers: Headers;
  body: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: Record<string, unknown> }[] };
};

/** A supergraph composed in memory from the test subgraph, routed to a URL the router must override. */
export function composeTestSupergraph(subgraphSdl = TEST_SUBGRAPH_SDL): string {
  const result = composeServices([{ name: 'catalogue', url: 'http://catalogue.invalid/graphql', typeDefs: parse(subgraphSdl) }]);
  if (result.errors) throw new Error(`composition failed: ${result.errors.map((error) => error.message).join('; ')}`);
  return result.supergraphSdl;
}

/** `env` adds variables to the test configuration (a router limit, say). */
export async function startHarness(
  options: { healthTimeoutMs?: number; env?: Record<string, string>; now?: () => number } = {},
): Promise<Harness> {
  const environment = testEnvironment({ label: 'SQLite', mysqlUrl: undefined }, options.env);
  const { config } = environment;
  const dataDir = config.dataDir;
  const secrets = loadSecrets(config);
  const loggedErrors: string[] = [];
  const log: Logger = {
    info: () => {},
    warn: () => {},
    error: (message, error) => loggedErrors.push(`${message} ${error instanceof Error ? error.message : String(error ?? '')}`.trim()),
  };

  const subgraph: SubgraphServer = await createSubgraphServer(testSubgraph, config, { secrets, log });
  const subgraphUrl = await subgraph.listen(0);
  let requests = 0;
  subgraph.http.on('request', () => {
    requests += 1;
  });
  let subgraphRunning = true;
  // The real members subgraph: it publishes the token keys (JWKS) and knows the API keys.
  const members = await createSubgraphServer(membersSubgraph, config, { secrets, log });
  const membersUrl = await members.listen(0);

  const router: Router = await createRouter(config, {
    secrets,
    supergraphSdl: composeTestSupergraph(),
    subgraphUrls: { catalogue: subgraphUrl, members: membersUrl },
    healthTimeoutMs: options.healthTimeoutMs,
    now: options.now,
    log,
  });
  const routerUrl = await router.listen(0);
  const mint = await createTokenMinter(secrets.jwtPrivateKey!, { issuer: config.jwtIssuer, audience: config.jwtAudience });

  const stopSubgraph = async () => {
    if (!subgraphRunning) return;
    subgraphRunning = false;
    await subgraph.close();
  };

  return {
    config,
    secrets,
    dataDir,
    routerUrl,
    subgraphUrl,
    subgraphRequests: () => requests,
    loggedErrors,
    token: ({ scopes = [], subject = 'staff-test', kind = 'staff' }) => mint({ subject, kind, scopes }),
    async graphql(query, { variables, token, headers = {}, url = routerUrl } = {}) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, headers: response.headers, body: (await response.json()) as GraphQLCall['body'] };
    },
    stopSubgraph,
    async close() {
      await router.close();
      await stopSubgraph();
      await members.close();
      await environment.cleanup();
    },
  };
}

/**
 * Routers on one configuration in front of a test subgraph's SDL, each
 * listening on a free port: `subgraphUrls[i]` is where router i reaches the
 * subgraph (several routers may share one). With the configuration's keys,
 * `mint` signs tokens they all accept.
 */
export async function startTestRouters(
  config: Config,
  options: { sdl: string; subgraphUrls: string[]; log: Logger },
): Promise<{ routers: Router[]; urls: string[]; mint: (claims: { subject: string; kind: 'staff' | 'member' }) => Promise<string> }> {
  const secrets = loadSecrets(config);
  const routers: Router[] = [];
  const urls: string[] = [];
  for (const subgraphUrl of options.subgraphUrls) {
    const router = await createRouter(config, {
      secrets,
      supergraphSdl: composeTestSupergraph(options.sdl),
      subgraphUrls: { catalogue: subgraphUrl },
      log: options.log,
    });
    routers.push(router);
    urls.push(await router.listen(0));
  }
  const minter = await createTokenMinter(secrets.jwtPrivateKey!, { issuer: config.jwtIssuer, audience: config.jwtAudience });
  return { routers, urls, mint: ({ subject, kind }) => minter({ subject, kind, scopes: [] }) };
}
