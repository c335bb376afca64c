import type { SubgraphContext } from '../../platform/graphql/subgraph.ts';
import type { PaymentsLoaders } from './loaders.ts';

export type PaymentsContext = SubgraphContext<PaymentsLoaders>;
