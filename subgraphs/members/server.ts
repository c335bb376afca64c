import { parse } from 'graphql';
import { subgraphTypeDefs } from '../../platform/graphql/schema/type-defs.ts';
import type { SubgraphDefinition } from '../../platform/graphql/subgraph.ts';
import { MAX_DOCUMENT_CHARACTERS } from '../../platform/graphql/trusted-documents.ts';
import { ensureFirstAdmin } from './accounts/accounts.ts';
import { serveJwks } from './accounts/jwks-route.ts';
import { publishWebClientDocuments } from './documents/bundled.ts';
import { membersEntities } from './entities/index.ts';
import { startMembersConsumers } from './events.ts';
import { createMembersLoaders, type MembersLoaders } from './loaders.ts';
import { startLoyaltySweep } from './loyalty/sweep.ts';
import { membersMigrations } from './migrations/index.ts';
import { startNotifications } from './notifications/background.ts';
import { resolvers } from './resolvers.ts';
import { MAX_PAYLOAD_CHARACTERS } from './webhooks/dispatch.ts';

/** The members subgraph as the kit runs it; `index.ts` listens, tests build it on a free port. */
export const membersTypeDefs = subgraphTypeDefs(import.meta.dirname);

export const membersSubgraph: SubgraphDefinition<MembersLoaders> = {
  name: 'members',
  typeDefs: parse(membersTypeDefs),
  resolvers,
  entities: membersEntities,
  migrations: membersMigrations,
  // Trusted documents are client operations, longer than any other text (documents/trusted-documents.ts).
  longText: {
    'publishTrustedDocuments:input.documents[].document': MAX_DOCUMENT_CHARACTERS,
    // A completed event as the router's webhook dispatcher records it (webhooks/dispatch.ts).
    'recordWebhookEvent:input.payload': MAX_PAYLOAD_CHARACTERS,
  },
  createLoaders: (em) => createMembersLoaders(em),
  prepare: async (db, config, log) => {
    await ensureFirstAdmin(db, config, log);
    await publishWebClientDocuments(db, log);
  },
  routes: { '/.well-known/jwks.json': serveJwks },
  background: (services) => {
    const stopConsumers = startMembersConsumers(services);
    const stopSweep = startLoyaltySweep(services);
    const stopNotifications = startNotifications(services);
    return async () => {
      stopConsumers();
      await stopSweep();
      await stopNotifications();
    };
  },
};
