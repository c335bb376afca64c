import { parse } from 'graphql';
import { subgraphTypeDefs } from '../../platform/graphql/schema/type-defs.ts';
import type { SubgraphDefinition } from '../../platform/graphql/subgraph.ts';
import { PRODUCT_IMAGE_BYTES_CEILING } from './config.ts';
import { catalogueEntities } from './entities/index.ts';
import { catalogueRoutes } from './image-route.ts';
import { type CatalogueLoaders, createCatalogueLoaders } from './loaders.ts';
import { catalogueMigrations } from './migrations/index.ts';
import { resolvers } from './resolvers.ts';
import { seedDemoCatalogue } from './seed/seed.ts';

/** The catalogue subgraph as the kit runs it; `index.ts` listens, tests build it on a free port. */
export const catalogueTypeDefs = subgraphTypeDefs(import.meta.dirname);

export const catalogueSubgraph: SubgraphDefinition<CatalogueLoaders> = {
  name: 'catalogue',
  typeDefs: parse(catalogueTypeDefs),
  resolvers,
  entities: catalogueEntities,
  migrations: catalogueMigrations,
  createLoaders: (em, db) => createCatalogueLoaders(em, db),
  seed: seedDemoCatalogue,
  // A picture arrives as base64: four characters per three bytes, up to the largest PRODUCT_IMAGE_MAX_BYTES may allow.
  longText: { 'addProductImage:input.data': Math.ceil(PRODUCT_IMAGE_BYTES_CEILING / 3) * 4 },
  // GET /product-images?hash=...: the pictures' bytes, which the router serves at /images/<hash>.
  routes: catalogueRoutes,
};
