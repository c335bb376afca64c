import { parse } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { IDENTITY_HEADER, signIdentity } from '../auth/identity-header.ts';
import { loadSecrets } from '../auth/secrets.ts';
import { type TestEnvironment, testEnvironment } from '../testing/databases.ts';
import { ProbeEntity } from '../testing/probe-entity.ts';
import { staff, startTestSubgraph, type TestSubgraph } from '../testing/subgraph-client.ts';
import type { SubgraphDefinition } from './subgraph.ts';

/** A subgraph whose own subscription counts to three for whoever subscribed. */
const ticker: SubgraphDefinition<Record<string, never>> = {
  name: 'stock',
  typeDefs: parse(`extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
    type Query { ok: Boolean! }
    type Subscription { ticks: String! }`),
  resolvers: {
    Query: { ok: () => true },
    Subscription: {
      ticks: {
        subscribe: async function* (_: unknown, __: unknown, ctx: { identity: { subject: string | null } }) {
          for (let i = 1; i <= 3; i++) yield { ticks: `${ctx.identity.subject}:${i}` };
        },
      },
    },
  },
  entities: [ProbeEntity],
  migrations: [],
  createLoaders: () => ({}),
};

describe("a subgraph's own subscriptions over graphql-ws", () => {
  let env: TestEnvironment;
  let subgraph: TestSubgraph;

  beforeAll(async () => {
    env = testEnvironment({ label: 'SQLite', mysqlUrl: undefined });
    subgraph = await startTestSubgraph(ticker, env.config);
  });
  afterAll(async () => {
    await subgraph?.close();
    await env?.cleanup();
  });

  const subscribe = (connectionParams: Record<string, unknown>) => {
    const client = createClient({
      url: subgraph.url.replace('http', 'ws'),
      webSocketImpl: WebSocket,
      connectionParams,
      retryAttempts: 0,
      lazy: true,
    });
    return new Promise<{ values: unknown[]; error?: unknown }>((resolve) => {
      const values: unknown[] = [];
      client.subscribe(
        { query: 'subscription { ticks }' },
        {
          next: (value) => values.push(value.data),
          error: (error) => {
            void client.dispose();
            resolve({ values, error });
          },
          complete: () => {
            void client.dispose();
            resolve({ values });
          },
        },
      );
    });
  };

  it('streams events to a connection that carries a router-signed identity', async () => {
    const identity = signIdentity(staff('stock:read'), loadSecrets(env.config).internalAuthSecret);
    expect(await subscribe({ [IDENTITY_HEADER]: identity })).toEqual({
      values: [{ ticks: 'staff-test:1' }, { ticks: 'staff-test:2' }, { ticks: 'staff-test:3' }],
    });
  });

  it('refuses a connection without a valid identity', async () => {
    const unsigned = await subscribe({});
    expect(unsigned.values).toEqual([]);
    expect(unsigned.error).toBeDefined();
    const forged = await subscribe({ [IDENTITY_HEADER]: signIdentity(staff('stock:read'), 'a-forged-secret-of-thirty-two-chars!') });
    expect(forged.values).toEqual([]);
    expect(forged.error).toBeDefined();
  });
});
