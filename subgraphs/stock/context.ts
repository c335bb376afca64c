import type { SubgraphContext } from '../kit/subgraph.ts';
import type { StockLoaders } from './loaders.ts';

export type StockContext = SubgraphContext<StockLoaders>;
