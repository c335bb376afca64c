import type { SubgraphContext } from '../kit/subgraph.ts';
import type { MembersLoaders } from './loaders.ts';

export type MembersContext = SubgraphContext<MembersLoaders>;
