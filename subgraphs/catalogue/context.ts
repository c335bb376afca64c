import type { SubgraphContext } from '../../platform/graphql/subgraph.ts';
import type { CatalogueLoaders } from './loaders.ts';

export type CatalogueContext = SubgraphContext<CatalogueLoaders>;
