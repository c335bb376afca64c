import { parse } from 'graphql';
import { subgraphTypeDefs } from '../../platform/graphql/schema/type-defs.ts';
import type { SubgraphDefinition } from '../../platform/graphql/subgraph.ts';
import { ensureFirstAdmin } from './accounts.ts';
import { membersEntities } from './entities/account.entity.ts';
import { ApiKeyEntity } from './entities/api-key.entity.ts';
import { loyaltyEntities } from './entities/loyalty.entity.ts';
import { NotificationEntity } from './entities/notification.entity.ts';
import { serveJwks } from './jwks-route.ts';
import { createMembersLoaders, type MembersLoaders } from './loaders.ts';
import { startLoyaltyBackground } from './loyalty-consumers.ts';
import { membersMigrations } from './migrations/index.ts';
import { startNotifications } from './notifications/background.ts';
import { resolvers } from './resolvers.ts';

/** The members subgraph as the kit runs it; `index.ts` listens, tests build it on a free port. */
export const membersTypeDefs = subgraphTypeDefs(import.meta.dirname);

export const membersSubgraph: SubgraphDefinition<MembersLoaders> = {
  name: 'members',
  typeDefs: parse(membersTypeDefs),
  resolvers,
  entities: [...membersEntities, ApiKeyEntity, NotificationEntity, ...loyaltyEntities],
  migrations: membersMigrations,
  createLoaders: (em) => createMembersLoaders(em),
  prepare: ensureFirstAdmin,
  routes: { '/.well-known/jwks.json': serveJwks },
  background: (services) => {
    const stopNotifications = startNotifications(services);
    const stopLoyalty = startLoyaltyBackground(services);
    return async () => {
      await stopLoyalty();
      await stopNotifications();
    };
  },
};
