import type { SubgraphContext } from '../kit/subgraph.ts';
import type { OrdersLoaders } from './loaders.ts';

export type OrdersContext = SubgraphContext<OrdersLoaders>;
