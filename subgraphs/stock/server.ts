import { parse } from 'graphql';
import { subgraphTypeDefs } from '../../platform/graphql/schema/type-defs.ts';
import type { SubgraphDefinition } from '../../platform/graphql/subgraph.ts';
import { stockEntities } from './entities/index.ts';
import { createStockLoaders, type StockLoaders } from './loaders.ts';
import { stockMetrics } from './metrics.ts';
import { stockMigrations } from './migrations/index.ts';
import { startExpirySweeper } from './reservations.ts';
import { resolvers } from './resolvers.ts';
import { seedDemoStock } from './seed/seed.ts';

/** The stock subgraph as the kit runs it; `index.ts` listens, tests build it on a free port. */
export const stockTypeDefs = subgraphTypeDefs(import.meta.dirname);

export const stockSubgraph: SubgraphDefinition<StockLoaders> = {
  name: 'stock',
  typeDefs: parse(stockTypeDefs),
  resolvers,
  entities: stockEntities,
  migrations: stockMigrations,
  createLoaders: (em, db) => createStockLoaders(em, db),
  // Stock asks the catalogue whether a SKU code exists before booking goods against it.
  serviceScopes: ['catalogue:read'],
  seed: seedDemoStock,
  background: ({ db, events, log, config }) => startExpirySweeper({ db, events, log }, config.reservationSweepIntervalMs),
  metrics: stockMetrics,
};
