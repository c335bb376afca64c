import { randomUUID } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { loadSecrets } from '../platform/auth/secrets.ts';
import { createLogger } from '../platform/observability/log.ts';
import { type TestEnvironment, testEnvironment } from '../platform/testing/databases.ts';
import { eventually } from '../platform/testing/eventually.ts';
import type { RouterContext } from './context.ts';
import { createRouter, type Router } from './server.ts';
import { SignedDataSource } from './signed-data-source.ts';
import { subgraphHttp } from './subgraph-http.ts';
import { composeTestSupergraph, startTestRouters } from './testing/harness.ts';
import { heldSubgraph, onFreePort } from './testing/held-subgraph.ts';

/**
 * Read-your-writes under merging (write-generations.ts): a caller's read sent
 * after their own write was answered never receives the answer of a read that
 * began before that write, however identical the two reads are. The subgraph
 * here holds every read until the test releases it and answers it with the
 * version its data had when the read arrived; a write bumps the version.
 */
const SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
  type Query { version: Int! }
  type Mutation { bump: Int! }
`;
const log = createLogger('router', { write: () => undefined });

function versionedSubgraph() {
  let version = 0;
  const held: { res: ServerResponse; seen: number }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const { query } = JSON.parse(body) as { query: string };
      if (/^\s*mutation\b/.test(query)) {
        version += 1;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ data: { bump: version } }));
        return;
      }
      held.push({ res, seen: version });
    });
  });
  return {
    held,
    release() {
      for (const { res, seen } of held.splice(0)) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ data: { version: seen } }));
      }
    },
    ...onFreePort(server),
  };
}

describe('a read after the caller’s own write, under merging', () => {
  const subgraph = versionedSubgraph();
  let env: TestEnvironment;
  let router: Router;
  let routerUrl: string;

  beforeAll(async () => {
    env = testEnvironment({ label: 'SQLite', mysqlUrl: undefined });
    router = await createRouter(env.config, {
      secrets: loadSecrets(env.config),
      supergraphSdl: composeTestSupergraph(SDL),
      subgraphUrls: { catalogue: await subgraph.start() },
      log,
    });
    routerUrl = await router.listen(0);
  });
  afterAll(async () => {
    subgraph.release();
    await router?.close();
    await subgraph.stop();
    await env?.cleanup();
  });

  const send = async (query: string) => {
    const response = await fetch(routerUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
    });
    return (await response.json()) as { data?: { version?: number; bump?: number } };
  };

  it('never joins a read that began before the write, while identical reads after it still share one answer', async () => {
    const before = send('{ version }');
    await eventually(() => subgraph.held.length === 1, 'the first read reached the subgraph');

    expect((await send('mutation { bump }')).data?.bump).toBe(1);

    // Sent after the write was answered: it must reach the subgraph itself, not wait for the read begun at version 0.
    const after = [send('{ version }'), send('{ version }')];
    await eventually(() => subgraph.held.length === 2, 'the read sent after the write reached the subgraph on its own');
    subgraph.release();

    expect((await before).data?.version).toBe(0);
    expect((await Promise.all(after)).map((answer) => answer.data?.version)).toEqual([1, 1]);
    // The two reads after the write were identical and in flight together: one fetch served both.
    expect(subgraph.held).toHaveLength(0);
  });
});

const redisUrl = process.env.REDIS_URL;
const describeOnRedis = redisUrl ? describe : describe.skip;
if (!redisUrl) console.warn('read-your-writes.spec.ts: the two-router case is skipped (REDIS_URL is not set)');

describeOnRedis('a read after the caller’s own write at another router, under merging', () => {
  const subgraph = versionedSubgraph();
  let env: TestEnvironment;
  const routers: Router[] = [];
  const urls: string[] = [];
  let token: string;

  beforeAll(async () => {
    env = testEnvironment({ label: 'SQLite', mysqlUrl: undefined }, { REDIS_URL: redisUrl! });
    const subgraphUrl = await subgraph.start();
    const started = await startTestRouters(env.config, { sdl: SDL, subgraphUrls: [subgraphUrl, subgraphUrl], log });
    routers.push(...started.routers);
    urls.push(...started.urls);
    // A caller of this test's own, so no other suite's writes in the same Redis touch their count.
    token = await started.mint({ subject: `member-${randomUUID()}`, kind: 'member' });
  });
  afterAll(async () => {
    subgraph.release();
    for (const router of routers) await router.close();
    await subgraph.stop();
    await env?.cleanup();
  });

  const send = async (at: number, query: string) => {
    const response = await fetch(urls[at]!, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query }),
    });
    return (await response.json()) as { data?: { version?: number; bump?: number } };
  };

  it('never joins, at one router, a read that began there before the write another router answered', async () => {
    const before = send(1, '{ version }');
    await eventually(() => subgraph.held.length === 1, 'the first read reached the subgraph through the second router');

    expect((await send(0, 'mutation { bump }')).data?.bump).toBe(1);

    // Sent to the second router after the first answered the write: it must not wait for the read begun at version 0.
    const after = [send(1, '{ version }'), send(1, '{ version }')];
    await eventually(() => subgraph.held.length === 2, 'the read sent after the write reached the subgraph on its own');
    subgraph.release();

    expect((await before).data?.version).toBe(0);
    expect((await Promise.all(after)).map((answer) => answer.data?.version)).toEqual([1, 1]);
    // Identical and in flight together after the write, the two reads still shared one fetch.
    expect(subgraph.held).toHaveLength(0);
  });
});

describe('the fetches of a mutation’s plan', () => {
  const secret = 'a-test-secret-of-at-least-32-characters';
  const subgraph = heldSubgraph(secret);
  let url: string;
  beforeAll(async () => {
    url = await subgraph.start();
  });
  afterAll(async () => {
    subgraph.answerAll();
    await subgraph.stop();
  });

  /** The entity fetch that follows a mutation's root field, as the gateway hands it over, for an operation of `kind`. */
  const entityFetch = (source: SignedDataSource, kind: 'query' | 'mutation', requestId: string) =>
    source.process({
      kind: 'incoming operation',
      request: {
        query: 'query($representations:[_Any!]!){_entities(representations:$representations){...on Order{status}}}',
        variables: { representations: [{ __typename: 'Order', id: 'order-1' }] },
        http: { method: 'POST', url, headers: new Headers() },
      },
      incomingRequestContext: { operation: { operation: kind } },
      context: { requestId, identity: { kind: 'staff', subject: 'staff-1', scopes: [] }, writeGeneration: '0' } satisfies RouterContext,
    } as unknown as GraphQLDataSourceProcessOptions<RouterContext>);

  it('are never merged, where the same fetches of a query are', async () => {
    const http = subgraphHttp();
    const source = new SignedDataSource({ url, secret, http });
    const ofMutations = [entityFetch(source, 'mutation', 'm1'), entityFetch(source, 'mutation', 'm2')];
    await eventually(() => subgraph.held.length === 2, 'both fetches of the mutations reached the subgraph');
    subgraph.answerAll();
    await Promise.all(ofMutations);

    const ofQueries = [entityFetch(source, 'query', 'q1'), entityFetch(source, 'query', 'q2')];
    await eventually(() => subgraph.held.length === 1, 'the shared fetch of the queries reached the subgraph');
    subgraph.answerAll();
    await Promise.all(ofQueries);
    expect(subgraph.held).toHaveLength(0);
    await http.close();
  });
});
