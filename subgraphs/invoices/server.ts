import { parse } from 'graphql';
import { subgraphTypeDefs } from '../../platform/graphql/schema/type-defs.ts';
import type { SubgraphDefinition } from '../../platform/graphql/subgraph.ts';
import { invoicesEntities } from './entities/index.ts';
import { startInvoicesConsumers } from './events.ts';
import { createInvoicesLoaders, type InvoicesLoaders } from './loaders.ts';
import { invoicesMigrations } from './migrations/index.ts';
import { resolvers } from './resolvers.ts';
import { invoicesRoutes } from './routes.ts';
import { verificationSecret } from './verification.ts';

/** The invoices subgraph as the kit runs it; `index.ts` listens, tests build it on a free port. */
export const invoicesTypeDefs = subgraphTypeDefs(import.meta.dirname);

export const invoicesSubgraph: SubgraphDefinition<InvoicesLoaders> = {
  name: 'invoices',
  typeDefs: parse(invoicesTypeDefs),
  resolvers,
  entities: invoicesEntities,
  migrations: invoicesMigrations,
  createLoaders: (em) => createInvoicesLoaders(em),
  // Production refuses to start without INVOICE_VERIFICATION_SECRET: no invoice could be printed or verified.
  prepare: async (_db, config) => {
    verificationSecret(config);
  },
  // An invoice's lines, amounts, member and status come from the order; descriptions and tax classes from the catalogue.
  serviceScopes: ['orders:read', 'catalogue:read'],
  // GET /invoices/pdf (signed links; the router forwards /invoices/ here).
  routes: invoicesRoutes,
  // Payments' RefundSucceeded becomes a credit note of the order's invoice.
  background: (services) => {
    const stop = startInvoicesConsumers(services);
    return async () => stop();
  },
};
