import { parse } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { IDENTITY_HEADER, signIdentity } from '../auth/identity-header.ts';
import { loadSecrets } from '../auth/secrets.ts';
import { type TestEnvironment, testEnvironment } from '../testing/databases.ts';
import { eventually } from '../testing/eventually.ts';
import { sampleValue, scrapeMetrics } from '../testing/metrics.ts';
import { ProbeEntity } from '../testing/probe-entity.ts';
import { staff, startTestSubgraph, type TestSubgraph } from '../testing/subgraph-client.ts';
import { subscribeToSubgraph } from '../testing/subscription-client.ts';
import { liveEvents } from './live-events.ts';
import type { SubgraphContext, SubgraphDefinition } from './subgraph.ts';

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
    return new Promise<{ values: unknown[]; extensions?: unknown[]; error?: unknown }>((resolve) => {
      const values: unknown[] = [];
      const extensions: unknown[] = [];
      client.subscribe(
        { query: 'subscription { ticks }' },
        {
          next: (value) => {
            values.push(value.data);
            extensions.push(value.extensions);
          },
          error: (error) => {
            void client.dispose();
            resolve({ values, error });
          },
          complete: () => {
            void client.dispose();
            resolve({ values, extensions });
          },
        },
      );
    });
  };

  it('streams events to a connection that carries a router-signed identity', async () => {
    const identity = signIdentity(staff('stock:read'), loadSecrets(env.config).internalAuthSecret);
    expect(await subscribe({ [IDENTITY_HEADER]: identity })).toEqual({
      values: [{ ticks: 'staff-test:1' }, { ticks: 'staff-test:2' }, { ticks: 'staff-test:3' }],
      // Events that never went through an outbox have no position to resume from.
      extensions: [undefined, undefined, undefined],
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

type Counted = { n: number };

/** A subgraph that records a `Counted` event per mutation and streams them, the odd ones only when asked. */
const counter: SubgraphDefinition<Record<string, never>> = {
  name: 'stock',
  typeDefs: parse(`extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
    type Query { ok: Boolean! }
    type Mutation { count(n: Int!): Boolean! }
    type Subscription { counted(odd: Boolean): Int! }`),
  resolvers: {
    Query: { ok: () => true },
    Mutation: {
      count: async (_: unknown, { n }: Counted, ctx: SubgraphContext<Record<string, never>>) => {
        await ctx.db.transaction(ctx.em, async (tx) => {
          ctx.events.record(tx, 'Counted', null, { n });
        });
        return true;
      },
    },
    Subscription: {
      counted: {
        subscribe: (_: unknown, { odd }: { odd?: boolean }, ctx: SubgraphContext<Record<string, never>>) =>
          liveEvents<Counted>(ctx, ['Counted'], (event) => !odd || event.data.n % 2 === 1),
        resolve: (event: { data: Counted }) => event.data.n,
      },
    },
  },
  entities: [ProbeEntity],
  migrations: [],
  createLoaders: () => ({}),
};

describe('resuming a subgraph subscription over graphql-ws', () => {
  const WINDOW_EVENTS = 6;
  let env: TestEnvironment;
  let subgraph: TestSubgraph;
  let newest = 0;

  beforeAll(async () => {
    env = testEnvironment({ label: 'SQLite', mysqlUrl: undefined }, { REPLAY_WINDOW_EVENTS: String(WINDOW_EVENTS) });
    subgraph = await startTestSubgraph(counter, env.config);
  });
  afterAll(async () => {
    await subgraph?.close();
    await env?.cleanup();
  });

  /** Counts `from` to `to` through the mutation, one event each, and waits until the relay published them. */
  const count = async (from: number, to: number) => {
    for (let n = from; n <= to; n++) {
      const answer = await subgraph.request('mutation ($n: Int!) { count(n: $n) }', { n }, staff());
      expect(answer.errors).toBeUndefined();
      newest += 1;
    }
    await subgraph.server.relay.drain();
  };
  const subscribe = (count: number, options: { odd?: boolean; extensions?: Record<string, unknown> } = {}) =>
    subscribeToSubgraph<number>({
      url: subgraph.url,
      started: () => subgraph.server.subscriptionsStarted(),
      secret: loadSecrets(env.config).internalAuthSecret,
      identity: staff(),
      query: 'subscription ($odd: Boolean) { counted(odd: $odd) }',
      variables: { odd: options.odd ?? false },
      field: 'counted',
      count,
      extensions: options.extensions,
    });
  const codesOf = (errors: unknown) => (errors as { extensions?: { code?: string } }[] | undefined)?.map((error) => error.extensions?.code);

  it('sends each event with its position, and a client resuming after the last it saw gets exactly what it missed, then live', async () => {
    const live = subscribe(3);
    await live.ready;
    await count(1, 3);
    expect(await live.done).toEqual({ events: [1, 2, 3] });
    expect(live.positions).toEqual([String(newest - 2), String(newest - 1), String(newest)]);

    // Disconnected: 4 to 8 happen meanwhile; the client comes back asking for the odd ones after the last it saw.
    const lastSeen = live.positions.at(-1)!;
    await count(4, 8);
    const resumed = subscribe(3, { odd: true, extensions: { resumeAfter: lastSeen } });
    await resumed.ready;
    await count(9, 9);
    expect(await resumed.done).toEqual({ events: [5, 7, 9] });
    const after = Number(lastSeen);
    expect(resumed.positions).toEqual([after + 2, after + 4, after + 6].map(String));
    // Clients that left leave no stream listening behind.
    await eventually(async () => sampleValue(await scrapeMetrics(subgraph.url), 'graphql_subscriptions_open') === 0, 'every stream closed');
  });

  it('resumes with nothing to replay when the client missed nothing', async () => {
    const resumed = subscribe(1, { extensions: { resumeAfter: String(newest) } });
    await resumed.ready;
    await count(10, 10);
    expect(await resumed.done).toEqual({ events: [10] });
    expect(resumed.positions).toEqual([String(newest)]);
  });

  it('refuses with RESYNC_REQUIRED a client further behind than REPLAY_WINDOW_EVENTS, or ahead of the newest position', async () => {
    await count(11, 11);
    for (const resumeAfter of [String(newest - WINDOW_EVENTS - 1), String(newest + 1), '999999999']) {
      const refused = subscribe(1, { extensions: { resumeAfter } });
      const { events, errors } = await refused.done;
      expect(events).toEqual([]);
      expect(codesOf(errors)).toEqual(['RESYNC_REQUIRED']);
      expect(JSON.stringify(errors)).toMatch(/reload the data and subscribe again without a position/);
    }
    // At the window's edge it still resumes.
    const edge = subscribe(WINDOW_EVENTS, { extensions: { resumeAfter: String(newest - WINDOW_EVENTS) } });
    expect((await edge.done).events).toEqual([6, 7, 8, 9, 10, 11]);
  });

  it('refuses a malformed resumeAfter with BAD_USER_INPUT before the subscription starts', async () => {
    const started = subgraph.server.subscriptionsStarted();
    for (const resumeAfter of [3, '-1', '01', '1.5', '1e3', ' 3', '0x10', '', 'abc', '9'.repeat(17), ['1'], { position: '1' }, true]) {
      const refused = subscribe(1, { extensions: { resumeAfter } });
      const { events, errors } = await refused.done;
      expect({ resumeAfter, events, codes: codesOf(errors) }).toEqual({ resumeAfter, events: [], codes: ['BAD_USER_INPUT'] });
    }
    expect(subgraph.server.subscriptionsStarted()).toBe(started);
    // The subgraph goes on serving: a well-formed subscription after them works.
    const fine = subscribe(1, { extensions: { resumeAfter: String(newest) } });
    await fine.ready;
    await count(12, 12);
    expect((await fine.done).events).toEqual([12]);
  });
});
