import type { SubgraphContext } from '../../platform/graphql/subgraph.ts';
import type { OrdersLoaders } from './loaders.ts';

export type OrdersContext = SubgraphContext<OrdersLoaders>;
