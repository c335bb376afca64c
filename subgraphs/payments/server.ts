import { parse } from 'graphql';
import { subgraphTypeDefs } from '../../platform/graphql/schema/type-defs.ts';
import type { SubgraphDefinition } from '../../platform/graphql/subgraph.ts';
import { startPaymentsBackground } from './background.ts';
import { paymentsEntities } from './entities/index.ts';
import { createPaymentsLoaders, type PaymentsLoaders } from './loaders.ts';
import { paymentsMetrics } from './metrics.ts';
import { paymentsMigrations } from './migrations/index.ts';
import { paymentProviders } from './providers/index.ts';
import { resolvers } from './resolvers.ts';
import { paymentsRoutes } from './routes.ts';
import { MAX_STATEMENT_ROWS } from './statements.ts';

/** The payments subgraph as the kit runs it; `index.ts` listens, tests build it on a free port. */
export const paymentsTypeDefs = subgraphTypeDefs(import.meta.dirname);

export const paymentsSubgraph: SubgraphDefinition<PaymentsLoaders> = {
  name: 'payments',
  typeDefs: parse(paymentsTypeDefs),
  resolvers,
  entities: paymentsEntities,
  migrations: paymentsMigrations,
  createLoaders: (em) => createPaymentsLoaders(em),
  // A statement is a document: up to MAX_STATEMENT_ROWS lines of about 200 characters, parsed rather than stored as text.
  longText: { 'reconcileStatement:input.statementCsv': MAX_STATEMENT_ROWS * 200 },
  // Loads the provider keys at start: production without WECHATPAY_*, ALIPAY_* and PAYMENTS_CALLBACK_BASE_URL stops here.
  prepare: async (_db, config) => {
    paymentProviders(config);
  },
  // A payment's amount, member and status come from the order.
  serviceScopes: ['orders:read'],
  // POST /callbacks/wechatpay and /callbacks/alipay (the router forwards them), and the simulators' pages in development.
  routes: paymentsRoutes,
  // Dropped callback reviews and the latest reconciliations' differences (metrics.ts).
  metrics: paymentsMetrics,
  background: (services) => startPaymentsBackground(services),
};
