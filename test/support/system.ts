import { type EmbeddedSystem, startEmbedded } from '../../scripts/embedded.ts';
import { createTokenMinter } from '../../subgraphs/kit/auth/jwt.ts';
import { loadSecrets } from '../../subgraphs/kit/auth/secrets.ts';
import { type DatabaseTarget, testEnvironment } from '../../subgraphs/kit/testing/databases.ts';
import type { GraphQLResponse } from '../../subgraphs/kit/testing/subgraph-client.ts';

/**
 * The whole system as `npm start` runs it (every subgraph and the router),
 * on free ports, with a fresh DATA_DIR (and fresh MySQL databases on MySQL),
 * so end-to-end tests send real HTTP to the real router.
 */
export type TestSystem = {
  system: EmbeddedSystem;
  /** POSTs an operation to the router, with a bearer token when given. */
  graphql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string,
  ): Promise<{ status: number; body: GraphQLResponse<T> }>;
  /** A staff token signed with this system's development key. */
  staffToken(scopes: readonly string[]): Promise<string>;
  /**
   * A member's token with the claims the members subgraph's login issues, for
   * tests about a member who need not register and log in first.
   */
  memberToken(memberId: string): Promise<string>;
  close(): Promise<void>;
};

export async function startTestSystem(target: DatabaseTarget, env: Record<string, string> = {}): Promise<TestSystem> {
  const environment = testEnvironment(target, env);
  const system = await startEmbedded(environment.config, { freePorts: true });
  const secrets = loadSecrets(environment.config);
  const mint = await createTokenMinter(secrets.jwtPrivateKey!, {
    issuer: environment.config.jwtIssuer,
    audience: environment.config.jwtAudience,
  });
  return {
    system,
    async graphql<T>(query: string, variables: Record<string, unknown> = {}, token?: string) {
      const response = await fetch(system.routerUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, body: (await response.json()) as GraphQLResponse<T> };
    },
    staffToken: (scopes) => mint({ subject: 'staff-e2e', kind: 'staff', scopes }),
    memberToken: (memberId) => mint({ subject: memberId, kind: 'member', scopes: [] }),
    async close() {
      await system.close();
      await environment.cleanup();
    },
  };
}
