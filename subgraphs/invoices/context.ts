import type { SubgraphContext } from '../kit/subgraph.ts';
import type { InvoicesLoaders } from './loaders.ts';

export type InvoicesContext = SubgraphContext<InvoicesLoaders>;
