import { parse } from 'graphql';
import { subgraphTypeDefs } from '../kit/schema/type-defs.ts';
import type { SubgraphDefinition } from '../kit/subgraph.ts';
import { ensureFirstAdmin } from './accounts.ts';
import { membersEntities } from './entities/account.entity.ts';
import { createMembersLoaders, type MembersLoaders } from './loaders.ts';
import { membersMigrations } from './migrations/index.ts';
import { resolvers } from './resolvers.ts';

/** The members subgraph as the kit runs it; `index.ts` listens, tests build it on a free port. */
export const membersTypeDefs = subgraphTypeDefs(import.meta.dirname);

export const membersSubgraph: SubgraphDefinition<MembersLoaders> = {
  name: 'members',
  typeDefs: parse(membersTypeDefs),
  resolvers,
  entities: membersEntities,
  migrations: membersMigrations,
  createLoaders: (em) => createMembersLoaders(em),
  prepare: ensureFirstAdmin,
};
