import { parse } from 'graphql';
import type { SubgraphContext, SubgraphDefinition } from '../../platform/graphql/subgraph.ts';
import { ProbeEntity } from '../../platform/testing/probe-entity.ts';

/**
 * A tiny subgraph for the router's tests, built with the kit like a real one:
 * a public field, an `@authenticated` one that echoes who the router says is
 * calling, a `@requiresScopes` mutation, and an interface with one restricted
 * implementation. It borrows the catalogue's name because the kit knows only
 * the six domains.
 */
export const TEST_SUBGRAPH_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@shareable", "@authenticated", "@requiresScopes"])

  type Query {
    hello: String!
    whoami: Caller! @authenticated
    items: [Item!]!
  }

  type Mutation {
    setPrice(sku: ID!, amount: Int!): PriceChange! @requiresScopes(scopes: [["catalogue:write"]])
  }

  type Caller {
    kind: String!
    subject: String
    scopes: [String!]!
  }

  type PriceChange {
    sku: ID!
    amount: Int!
    changedBy: String
  }

  interface Item {
    id: ID!
  }

  type PublicItem implements Item {
    id: ID!
  }

  type ArchivedItem implements Item @requiresScopes(scopes: [["catalogue:read"]]) {
    id: ID!
  }
`;

type Context = SubgraphContext<Record<string, never>>;
type ItemRow = { kind: 'PublicItem' | 'ArchivedItem'; id: string };

export const testSubgraph: SubgraphDefinition<Record<string, never>> = {
  name: 'catalogue',
  typeDefs: parse(TEST_SUBGRAPH_SDL),
  resolvers: {
    Query: {
      hello: () => 'hello from the test subgraph',
      whoami: (_source: unknown, _args: unknown, ctx: Context) => ctx.identity,
      items: (): ItemRow[] => [
        { kind: 'PublicItem', id: 'item-1' },
        { kind: 'ArchivedItem', id: 'item-2' },
      ],
    },
    Mutation: {
      setPrice: (_source: unknown, args: { sku: string; amount: number }, ctx: Context) => ({ ...args, changedBy: ctx.identity.subject }),
    },
    Item: {
      __resolveType: (item: ItemRow) => item.kind,
    },
  },
  entities: [ProbeEntity],
  migrations: [],
  createLoaders: () => ({}),
};
