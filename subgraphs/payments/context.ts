import type { SubgraphContext } from '../kit/subgraph.ts';
import type { PaymentsLoaders } from './loaders.ts';

export type PaymentsContext = SubgraphContext<PaymentsLoaders>;
