import type { SubgraphContext } from '../../platform/graphql/subgraph.ts';
import type { StockLoaders } from './loaders.ts';

export type StockContext = SubgraphContext<StockLoaders>;
