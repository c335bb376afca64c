import type { SubgraphContext } from '../kit/subgraph.ts';
import type { CatalogueLoaders } from './loaders.ts';

export type CatalogueContext = SubgraphContext<CatalogueLoaders>;
