import { createTokenMinter } from '../../platform/auth/jwt.ts';
import { loadSecrets } from '../../platform/auth/secrets.ts';
import type { Config } from '../../platform/config/config.ts';
import { type DatabaseTarget, testEnvironment } from '../../platform/testing/databases.ts';
import type { GraphQLResponse } from '../../platform/testing/subgraph-client.ts';
import { type EmbeddedOptions, type EmbeddedSystem, startEmbedded } from '../../scripts/embedded.ts';

/**
 * The whole system as `npm start` runs it (every subgraph and the router),
 * on free ports, with a fresh DATA_DIR (and fresh MySQL databases on MySQL),
 * so end-to-end tests send real HTTP to the real router.
 */
export type TestSystem = {
  system: EmbeddedSystem;
  /** The configuration every service of this system runs with (payments' simulators are keyed by it). */
  config: Config;
  /** Sends a request to the router's origin as an outside party would (a payment provider's callback), without credentials. */
  post(path: string, headers: Record<string, string>, body: string): Promise<{ status: number; body: string }>;
  /** POSTs an operation to the router, with a bearer token when given. */
  graphql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string,
  ): Promise<{ status: number; body: GraphQLResponse<T> }>;
  /** POSTs an operation to the router with the headers given (an x-api-key, say); the response headers come back too. */
  graphqlWithHeaders<T = Record<string, unknown>>(
    query: string,
    variables: Record<string, unknown>,
    headers: Record<string, string>,
  ): Promise<{ status: number; headers: Headers; body: GraphQLResponse<T> }>;
  /** A staff token signed with this system's development key. */
  staffToken(scopes: readonly string[]): Promise<string>;
  /**
   * A member's token with the claims the members subgraph's login issues, for
   * tests about a member who need not register and log in first.
   */
  memberToken(memberId: string): Promise<string>;
  close(): Promise<void>;
};

export async function startTestSystem(
  target: DatabaseTarget,
  env: Record<string, string> = {},
  options: Pick<EmbeddedOptions, 'rateLimiter'> = {},
): Promise<TestSystem> {
  const environment = testEnvironment(target, env);
  const system = await startEmbedded(environment.config, { freePorts: true, ...options });
  const secrets = loadSecrets(environment.config);
  const mint = await createTokenMinter(secrets.jwtPrivateKey!, {
    issuer: environment.config.jwtIssuer,
    audience: environment.config.jwtAudience,
  });
  const graphqlWithHeaders = async <T>(query: string, variables: Record<string, unknown>, headers: Record<string, string>) => {
    const response = await fetch(system.routerUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as GraphQLResponse<T> };
  };
  return {
    system,
    config: environment.config,
    async post(path, headers, body) {
      const response = await fetch(new URL(path, system.routerUrl), { method: 'POST', headers, body });
      return { status: response.status, body: await response.text() };
    },
    graphqlWithHeaders,
    async graphql<T>(query: string, variables: Record<string, unknown> = {}, token?: string) {
      const { status, body } = await graphqlWithHeaders<T>(query, variables, token ? { authorization: `Bearer ${token}` } : {});
      return { status, body };
    },
    staffToken: (scopes) => mint({ subject: 'staff-e2e', kind: 'staff', scopes }),
    memberToken: (memberId) => mint({ subject: memberId, kind: 'member', scopes: [] }),
    async close() {
      await system.close();
      await environment.cleanup();
    },
  };
}
