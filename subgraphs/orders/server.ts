import { parse } from 'graphql';
import { subgraphTypeDefs } from '../../platform/graphql/schema/type-defs.ts';
import type { SubgraphDefinition } from '../../platform/graphql/subgraph.ts';
import { ordersEntities } from './entities/index.ts';
import { startOrderBackground } from './lifecycle.ts';
import { createOrdersLoaders, type OrdersLoaders } from './loaders.ts';
import { ordersMigrations } from './migrations/index.ts';
import { resolvers } from './resolvers.ts';

/** The orders subgraph as the kit runs it; `index.ts` listens, tests build it on a free port. */
export const ordersTypeDefs = subgraphTypeDefs(import.meta.dirname);

export const ordersSubgraph: SubgraphDefinition<OrdersLoaders> = {
  name: 'orders',
  typeDefs: parse(ordersTypeDefs),
  resolvers,
  entities: ordersEntities,
  migrations: ordersMigrations,
  createLoaders: (em, db) => createOrdersLoaders(em, db),
  // Checkout reads prices from the catalogue, reserves, commits, releases and returns stock, and redeems coupons and points in members.
  serviceScopes: ['catalogue:read', 'stock:read', 'stock:write', 'members:checkout'],
  background: ({ db, bus, events, services, log, config }) =>
    startOrderBackground({ db, bus, events, services, log }, config.reservationSweepIntervalMs),
};
