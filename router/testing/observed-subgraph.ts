import { parse } from 'graphql';
import type { DomainEvent } from '../../platform/events/event.ts';
import { eventStream } from '../../platform/events/stream.ts';
import type { SubgraphContext, SubgraphDefinition } from '../../platform/graphql/subgraph.ts';
import { ProbeEntity } from '../../platform/testing/probe-entity.ts';

/**
 * A tiny subgraph for the observability tests (router/observability.spec.ts):
 * a query that logs, one that takes its time (graceful shutdown), a mutation
 * that records an outbox event, and a subscription fed by those events.
 * It borrows the catalogue's name because the kit knows only the six domains.
 */
export const OBSERVED_SUBGRAPH_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])

  type Query {
    hello: String!
    requestId: String!
    slow(ms: Int!): String!
  }

  type Mutation {
    tick(n: Int!): Boolean!
  }

  type Subscription {
    ticked: Int!
  }
`;

type Context = SubgraphContext<Record<string, never>>;

/** Called when a `slow` query has reached its resolver (a test then knows it is in flight). */
export const slowQueriesStarted: (() => void)[] = [];

export const observedSubgraph: SubgraphDefinition<Record<string, never>> = {
  name: 'catalogue',
  typeDefs: parse(OBSERVED_SUBGRAPH_SDL),
  resolvers: {
    Query: {
      hello: (_source: unknown, _args: unknown, ctx: Context) => {
        ctx.log.info('said hello');
        return 'hello';
      },
      requestId: (_source: unknown, _args: unknown, ctx: Context) => ctx.requestId,
      slow: async (_source: unknown, args: { ms: number }) => {
        for (const started of slowQueriesStarted.splice(0)) started();
        await new Promise((resolve) => setTimeout(resolve, args.ms));
        return `slept ${args.ms} ms`;
      },
    },
    Mutation: {
      tick: async (_source: unknown, args: { n: number }, ctx: Context) => {
        await ctx.db.transaction(ctx.em, async (tx) => {
          ctx.events.record(tx, 'test.Ticked', null, { n: args.n });
        });
        return true;
      },
    },
    Subscription: {
      ticked: {
        subscribe: (_source: unknown, _args: unknown, ctx: Context) => eventStream(ctx.bus, ['test.Ticked']),
        resolve: (event: DomainEvent<{ n: number }>) => event.data.n,
      },
    },
  },
  entities: [ProbeEntity],
  migrations: [],
  createLoaders: () => ({}),
};
