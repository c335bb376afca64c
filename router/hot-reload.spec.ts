import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'graphql';
import { loadSecrets } from '../platform/auth/secrets.ts';
import { createSubgraphServer, type SubgraphDefinition, type SubgraphServer } from '../platform/graphql/subgraph.ts';
import type { Logger } from '../platform/observability/log.ts';
import { type TestEnvironment, testEnvironment } from '../platform/testing/databases.ts';
import { eventually } from '../platform/testing/eventually.ts';
import { ProbeEntity } from '../platform/testing/probe-entity.ts';
import { createRouter, type Router } from './server.ts';
import { subscribeToRouter } from './subscriptions/testing/router-subscription.ts';
import { composeTestSupergraph } from './testing/harness.ts';

/**
 * A router started from a supergraph file picks up a new one without a
 * restart: a field the new graph adds becomes queryable (with its rules),
 * a request in flight across the swap completes, and a broken file is
 * logged and ignored while the old graph keeps serving.
 */

const LINK = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@authenticated"])`;
const FIRST = `${LINK}
  type Query { hello: String!  slow: String! }`;
/** The next release of the subgraph: one public field and one for signed-in callers more. */
const NEXT = `${LINK}
  type Query { hello: String!  slow: String!  extra: String!  extraSecret: String! @authenticated }`;

/** Resolves when the subgraph has received the slow request; the request then waits until `release`. */
function gate() {
  let entered: () => void = () => undefined;
  let release: () => void = () => undefined;
  const reached = new Promise<void>((resolve) => {
    entered = resolve;
  });
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { reached, released, entered, release };
}

describe('hot reload of the supergraph', () => {
  let env: TestEnvironment;
  let folder: string;
  let file: string;
  let subgraph: SubgraphServer;
  let router: Router;
  let routerUrl: string;
  const slow = gate();
  const loggedErrors: string[] = [];
  const loggedInfo: string[] = [];
  const log: Logger = {
    info: (message) => loggedInfo.push(message),
    warn: () => undefined,
    error: (message, error) => loggedErrors.push(`${message}: ${error instanceof Error ? error.message : String(error)}`),
  };

  // The subgraph already serves the next release; the router learns of `extra` only from the file.
  const definition: SubgraphDefinition<Record<string, never>> = {
    name: 'catalogue',
    typeDefs: parse(NEXT),
    resolvers: {
      Query: {
        hello: () => 'hello',
        slow: async () => {
          slow.entered();
          await slow.released;
          return 'finally';
        },
        extra: () => 'new in this release',
        extraSecret: () => 'for members',
      },
    },
    entities: [ProbeEntity],
    migrations: [],
    createLoaders: () => ({}),
  };

  const query = async (text: string) => {
    const response = await fetch(routerUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: text }),
    });
    return {
      status: response.status,
      body: (await response.json()) as { data?: Record<string, unknown>; errors?: { message: string; extensions?: { code?: string } }[] },
    };
  };
  /** Written as deploy tools do: a new file renamed over the old one. */
  const replaceFile = (content: string) => {
    const next = join(folder, `.supergraph-${Date.now()}.tmp`);
    writeFileSync(next, content);
    renameSync(next, file);
  };

  beforeAll(async () => {
    env = testEnvironment({ label: 'SQLite', mysqlUrl: undefined });
    folder = mkdtempSync(join(tmpdir(), 'supergraph-'));
    file = join(folder, 'supergraph.graphql');
    writeFileSync(file, composeTestSupergraph(FIRST));
    const secrets = loadSecrets(env.config);
    subgraph = await createSubgraphServer(definition, env.config, { secrets, log });
    const subgraphUrl = await subgraph.listen(0);
    router = await createRouter(env.config, {
      secrets,
      supergraphPath: file,
      supergraphPollMs: 100,
      subgraphUrls: { catalogue: subgraphUrl },
      log,
    });
    routerUrl = await router.listen(0);
  });
  afterAll(async () => {
    slow.release();
    await router?.close();
    await subgraph?.close();
    rmSync(folder, { recursive: true, force: true });
    await env?.cleanup();
  });

  it('serves the graph of the file it was started from', async () => {
    expect((await query('{ hello }')).body).toEqual({ data: { hello: 'hello' } });
    const unknown = await query('{ extra }');
    expect(unknown.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('picks up a new file without a restart, while a request started before the swap completes', async () => {
    const inFlight = query('{ slow hello }');
    await slow.reached;

    replaceFile(composeTestSupergraph(NEXT));
    const served = await eventually(
      async () => {
        const result = await query('{ extra }');
        return result.body.data ? result : false;
      },
      'the new field is queryable',
      { timeoutMs: 15_000, intervalMs: 50 },
    );
    expect(served.body).toEqual({ data: { extra: 'new in this release' } });
    expect(loggedInfo.some((line) => line.startsWith(`supergraph reloaded from ${file}`))).toBe(true);

    slow.release();
    expect((await inFlight).body).toEqual({ data: { slow: 'finally', hello: 'hello' } });
    expect(loggedErrors).toEqual([]);
  });

  it("enforces the new graph's rules on its new fields", async () => {
    const refused = await query('{ extraSecret }');
    expect(refused.status).toBe(401);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('plans subscriptions on the new graph', async () => {
    // The socket validates against its own planner's schema: `extra` is known to it now, so what it refuses is the query itself.
    const subscription = subscribeToRouter({ routerUrl, query: '{ extra }', field: 'extra' });
    try {
      const outcome = await subscription.ended;
      expect(outcome.errors?.[0]?.message).toBe('this socket serves subscriptions; send the query as an HTTP POST to /graphql');
    } finally {
      await subscription.dispose();
    }
  });

  it('logs a broken file and an uncomposable one, and keeps serving the current graph', async () => {
    writeFileSync(file, 'schema @link(url: "https://specs.apollo.dev/link/v1.0") { query: Query } type Query {');
    expect(await router.reloadSupergraph()).toBe('rejected');
    expect(loggedErrors).toEqual([
      expect.stringMatching(new RegExp(`^the supergraph at ${file} was not loaded; the current graph keeps serving: Syntax Error`)),
    ]);
    // The same broken content is reported once, not at every look.
    expect(await router.reloadSupergraph()).toBe('rejected');
    expect(loggedErrors).toHaveLength(1);

    // Valid GraphQL, but no supergraph: nothing says which subgraph serves what.
    replaceFile('type Query { extra: String! }');
    expect(await router.reloadSupergraph()).toBe('rejected');
    expect(loggedErrors).toHaveLength(2);
    expect(loggedErrors[1]).toMatch(/was not loaded; the current graph keeps serving: the supergraph has no join__Graph enum/);

    expect((await query('{ extra hello }')).body).toEqual({ data: { extra: 'new in this release', hello: 'hello' } });
  });

  it('goes back to an earlier graph when its file comes back', async () => {
    replaceFile(composeTestSupergraph(FIRST));
    expect(await router.reloadSupergraph()).toBe('swapped');
    expect((await query('{ extra }')).body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(await router.reloadSupergraph()).toBe('unchanged');
  });
});
