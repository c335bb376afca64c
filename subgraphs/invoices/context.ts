import type { SubgraphContext } from '../../platform/graphql/subgraph.ts';
import type { InvoicesLoaders } from './loaders.ts';

export type InvoicesContext = SubgraphContext<InvoicesLoaders>;
