import type { SubgraphContext } from '../../platform/graphql/subgraph.ts';
import type { MembersLoaders } from './loaders.ts';

export type MembersContext = SubgraphContext<MembersLoaders>;
