import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { buildSubgraphSchema, type GraphQLResolverMap } from '@apollo/subgraph';
import { type DocumentNode, defaultFieldResolver, GraphQLError, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { ANONYMOUS, type Identity } from '../auth/identity.ts';
import { IDENTITY_HEADER, identityVerifier } from '../auth/identity-header.ts';
import { enforceAuthDirectives } from '../auth/schema-auth.ts';
import type { Secrets } from '../auth/secrets.ts';
import type { Config, SubgraphName } from '../config/config.ts';
import { busTopology } from '../config/event-bus-settings.ts';
import { type Database, type DatabaseOptions, type EntityManager, openDatabase } from '../db/database.ts';
import { registerStatementCounters } from '../db/statement-count.ts';
import { createInProcessBus, type EventBus } from '../events/bus.ts';
import { type EventRecorder, eventRecorder } from '../events/outbox.ts';
import { registerOutboxLagGauges } from '../events/outbox-lag.ts';
import { createRabbitMqBus } from '../events/rabbitmq-bus.ts';
import { type OutboxRelay, startOutboxRelay } from '../events/relay.ts';
import { tracedBus } from '../events/traced-bus.ts';
import { registerWaitingMessageGauges } from '../events/waiting-messages.ts';
import { sendError, sendJson } from '../http/graphql-over-http.ts';
import { createHttpServer, headerValue, pathOf } from '../http/http-server.ts';
import { closeServer, listen } from '../http/listen.ts';
import { createServiceClient, type ServiceClient } from '../http/service-client.ts';
import { graphqlUrl } from '../http/urls.ts';
import { webSocketsAt } from '../http/websockets.ts';
import { createLogger, type Logger } from '../observability/log.ts';
import type { GaugeSample } from '../observability/metrics.ts';
import { countOpenSubscriptions, createObservability } from '../observability/observability.ts';
import { countUserErrors } from '../observability/user-errors-metric.ts';
import { CLIENT_ADDRESS_HEADER, currentRequestScope, REQUEST_ID_HEADER, requestIdFrom } from '../runtime/request-scope.ts';
import { startExecutors } from './executors.ts';
import { resumeAfterOf, subscribeWithPositions } from './live-events.ts';
import { forwardedPositionOf, readsPrimary } from './replication-position.ts';
import { guardMutationText, type LongTextLimits } from './text-guard.ts';

/**
 * The per-request context every resolver and service method receives first:
 * a forked EntityManager (its own identity map), fresh DataLoaders (a cache
 * that lives for one request), and the caller's identity as the router signed it.
 */
export type SubgraphContext<Loaders> = {
  requestId: string;
  identity: Identity;
  em: EntityManager;
  db: Database;
  loaders: Loaders;
  /** Records events into the outbox inside a transaction (`events.record(tx, type, key, data)`). */
  events: EventRecorder;
  /** The bus relayed events arrive on; subscription resolvers stream from it. */
  bus: EventBus;
  /** Calls to other subgraphs under this subgraph's service identity. */
  services: ServiceClient;
  config: Config;
  log: Logger;
  /** The client's address as the router saw it (request-scope.ts), or null when not known (events, services). */
  clientAddress: string | null;
  /**
   * The position a subscription asked to resume after (its subscribe message's
   * `extensions.resumeAfter`), null otherwise; resolvers hand it on through liveEvents.
   */
  resumeAfter: number | null;
};

/** Everything a domain provides; the kit turns it into a running subgraph. */
export type SubgraphDefinition<Loaders> = {
  name: SubgraphName;
  typeDefs: DocumentNode;
  resolvers: GraphQLResolverMap<SubgraphContext<Loaders>>;
  entities: DatabaseOptions['entities'];
  migrations: DatabaseOptions['migrations'];
  createLoaders(em: EntityManager, db: Database): Loaders;
  /** Runs at every start after migrations (accounts that must exist, such as the first admin). */
  prepare?(db: Database, config: Config, log: Logger): Promise<void>;
  /** Seeds demo data into an empty database; runs at start when SEED_DEMO_DATA is on. */
  seed?(db: Database, log: Logger): Promise<void>;
  /**
   * Text arguments allowed more than the kit's MAX_TEXT_CHARACTERS (text-guard.ts),
   * keyed `mutationField:input.path`: documents such as a statement to reconcile.
   */
  longText?: LongTextLimits;
  /** Scopes this subgraph's service identity holds when it calls another subgraph. */
  serviceScopes?: readonly string[];
  /**
   * Extra HTTP routes by exact path, served before GraphQL and outside the
   * router's identity signature: only for callers that prove themselves
   * otherwise (a provider's signed callback) or for public documents (a JWKS).
   */
  routes?: Record<string, SubgraphRoute>;
  /** Starts background work (sweepers, consumers) once the server is built; the returned function stops it. */
  background?(services: {
    db: Database;
    bus: EventBus;
    events: EventRecorder;
    services: ServiceClient;
    log: Logger;
    config: Config;
  }): () => Promise<void>;
  /**
   * Domain gauges served at `/metrics`, read at every scrape (stock's active
   * reservations): counts and ages only, never personal data.
   */
  metrics?: Record<string, { help: string; labelNames?: readonly string[]; read(db: Database): Promise<number | readonly GaugeSample[]> }>;
};

/** An extra route's handler; it gets what a background job gets and answers the response itself. */
export type SubgraphRoute = (
  req: IncomingMessage,
  res: ServerResponse,
  services: { db: Database; events: EventRecorder; services: ServiceClient; secrets: Secrets; config: Config; log: Logger },
) => Promise<void>;

export type SubgraphServer = {
  readonly name: SubgraphName;
  readonly db: Database;
  readonly http: Server;
  readonly bus: EventBus;
  readonly relay: OutboxRelay;
  /** How many subscriptions have started on this server's graphql-ws endpoint. */
  subscriptionsStarted(): number;
  /** Binds the port (0 picks a free one) and returns the GraphQL URL. */
  listen(port?: number): Promise<string>;
  close(): Promise<void>;
};

export type SubgraphOptions = {
  secrets: Secrets;
  /** Called with every SQL statement (tests count them). */
  onQuery?: (sql: string) => void;
  /** Where other subgraphs answer; default `config.subgraphUrls`. Read at call time, so it may be filled in later. */
  peerUrls?: Readonly<Partial<Record<SubgraphName, string>>>;
  /** The event bus; embedded mode shares one in-process bus between all subgraphs. Default: a bus of its own. */
  bus?: EventBus;
  log?: Logger;
};

export async function createSubgraphServer<Loaders>(
  definition: SubgraphDefinition<Loaders>,
  config: Config,
  options: SubgraphOptions,
): Promise<SubgraphServer> {
  const log =
    options.log ?? createLogger(definition.name, { quiet: config.mode === 'test', format: config.logFormat, level: config.logLevel });
  const db = await openDatabase(config, {
    name: definition.name,
    entities: definition.entities,
    migrations: definition.migrations,
    onQuery: options.onQuery,
  });
  try {
    await definition.prepare?.(db, config, log);
  } catch (error) {
    await db.close();
    throw error;
  }
  if (config.seedDemoData && definition.seed) await definition.seed(db, log);
  let bus: EventBus;
  try {
    bus =
      options.bus ??
      (config.amqpUrl
        ? await createRabbitMqBus({ url: config.amqpUrl, service: definition.name, log, ...busTopology(config) })
        : createInProcessBus(log));
  } catch (error) {
    await db.close();
    throw error;
  }
  // Metrics, request ids and tracing (observability.ts); `/metrics` is for the internal network only.
  const observability = createObservability(definition.name, config, log, { routes: Object.keys(definition.routes ?? {}) });
  const tracer = observability.tracing?.tracer;
  const events = eventRecorder(definition.name);
  const relay = startOutboxRelay(db, bus, { log, tracer });
  // This subgraph's consumers handle each event under a span in the trace that caused it (traced-bus.ts).
  const consumerBus = tracedBus(bus, tracer, definition.name);
  const services = createServiceClient({
    caller: definition.name,
    scopes: definition.serviceScopes ?? [],
    secret: options.secrets.internalAuthSecret,
    urls: options.peerUrls ?? config.subgraphUrls,
  });
  const stopBackground = definition.background?.({ db, bus: consumerBus, events, services, log, config });

  const schema = enforceAuthDirectives(
    guardMutationText(buildSubgraphSchema([{ typeDefs: definition.typeDefs, resolvers: definition.resolvers }]), definition.longText),
    (context) => (context as SubgraphContext<Loaders>).identity,
  );
  const contextFor = (
    identity: Identity,
    requestId = currentRequestScope()?.requestId ?? randomUUID(),
    clientAddress: string | null = null,
    resumeAfter: number | null = null,
  ): SubgraphContext<Loaders> => {
    const em = db.fork();
    const loaders = definition.createLoaders(em, db);
    return { requestId, identity, em, db, loaders, events, bus: consumerBus, services, config, log, clientAddress, resumeAfter };
  };
  freshDataPerEvent(schema, (context) => {
    const ctx = context as SubgraphContext<Loaders>;
    ctx.em = db.fork();
    ctx.loaders = definition.createLoaders(ctx.em, db);
  });

  countOpenSubscriptions(schema, observability.metrics.gauge('graphql_subscriptions_open', 'Subscriptions whose event stream is open.'));
  countUserErrors(
    schema,
    observability.metrics.counter('graphql_user_errors_total', 'Refusals in mutation payloads (userErrors), by mutation and code.', {
      labelNames: ['mutation', 'code'],
    }),
  );
  registerOutboxLagGauges(observability.metrics, db);
  registerWaitingMessageGauges(observability.metrics, bus);
  registerStatementCounters(observability.metrics, db.orm);
  for (const [name, gauge] of Object.entries(definition.metrics ?? {}))
    observability.metrics.gaugeReader(name, gauge.help, () => gauge.read(db), { labelNames: gauge.labelNames });

  const executors = await startExecutors<SubgraphContext<Loaders>>(schema, { config, log, db, observability });

  // Remembers headers it accepted (identity-header.ts): most requests repeat the previous request's header.
  const verifyIdentity = identityVerifier(options.secrets.internalAuthSecret);
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = pathOf(req);
    if (path === '/health') {
      try {
        await db.ping();
        sendJson(res, 200, { status: 'ok', service: definition.name });
      } catch (error) {
        sendJson(res, 503, { status: 'unavailable', service: definition.name, reason: (error as Error).message });
      }
      return;
    }
    if (path === '/metrics') {
      await observability.serveMetrics(res);
      return;
    }
    const route = definition.routes?.[path];
    if (route) {
      await route(req, res, { db, events, services, secrets: options.secrets, config, log });
      return;
    }
    if (path !== '/graphql') {
      sendError(res, 404, 'NOT_FOUND', `no route ${path}; GraphQL is served at /graphql`);
      return;
    }
    // A subgraph answers only the router (or a fellow subgraph): reached around it, it is useless.
    const verified = verifyIdentity(headerValue(req, IDENTITY_HEADER));
    if (!verified.ok) {
      sendError(res, 401, 'UNAUTHENTICATED', `${definition.name} accepts requests only through the router: ${verified.reason}`);
      return;
    }
    // With read replicas, this caller's reads may go to one that holds their own writes, as this process
    // and the router (their writes at other instances) remember them (read-replicas.ts, replication-position.ts).
    const forwarded = forwardedPositionOf(req, res);
    if (forwarded === null) return;
    const caller = `${verified.identity.kind}\n${verified.identity.subject ?? ''}`;
    const context = async () => contextFor(verified.identity, undefined, headerValue(req, CLIENT_ADDRESS_HEADER)?.slice(0, 64) ?? null);
    const serve = () => executors.serve(req, res, context);
    // Outside `readingFor` every read goes to the primary: what the router's cache keeps (READ_PRIMARY_HEADER).
    await (readsPrimary(req) ? serve() : db.readingFor(caller, serve, forwarded));
  };

  const http = createHttpServer(handle, log, observability.observeRequest);

  // Subscriptions of this subgraph's own root fields, for the router to open (docs/architecture.md §6).
  const wss = webSocketsAt(http, '/graphql');
  let subscriptionsStarted = 0;
  const wsServer = useServer<Record<string, unknown>>(
    {
      schema,
      // Each `next` carries the position of its event, which the client may resume after (live-events.ts).
      subscribe: subscribeWithPositions,
      // Counted once the subscribe resolver ran, i.e. the subscription listens for events.
      onOperation: () => {
        subscriptionsStarted += 1;
      },
      onConnect: (ctx) => verifyIdentity(stringParam(ctx.connectionParams?.[IDENTITY_HEADER])).ok,
      // The router multiplexes many callers' subscriptions over one socket, so each
      // subscribe message names its own caller with a signed identity in its extensions;
      // a socket without one (a single-caller client) is its connection's caller.
      onSubscribe: (_ctx, _id, payload) => {
        try {
          resumeAfterOf(payload.extensions);
        } catch (error) {
          return [error as GraphQLError];
        }
        const perSubscription = payload.extensions?.[IDENTITY_HEADER];
        if (perSubscription === undefined) return undefined;
        const verified = verifyIdentity(stringParam(perSubscription));
        if (verified.ok) return undefined;
        return [
          new GraphQLError(`${definition.name} refuses this subscription: ${verified.reason}`, { extensions: { code: 'UNAUTHENTICATED' } }),
        ];
      },
      context: (ctx, _id, payload) => {
        const perSubscription = payload.extensions?.[IDENTITY_HEADER];
        const verified = verifyIdentity(stringParam(perSubscription ?? ctx.connectionParams?.[IDENTITY_HEADER]));
        return contextFor(
          verified.ok ? verified.identity : ANONYMOUS,
          requestIdFrom(stringParam(payload.extensions?.[REQUEST_ID_HEADER] ?? ctx.connectionParams?.[REQUEST_ID_HEADER])),
          null,
          resumeAfterOf(payload.extensions),
        );
      },
    },
    wss,
  );

  return {
    name: definition.name,
    db,
    http,
    bus,
    relay,
    subscriptionsStarted: () => subscriptionsStarted,
    async listen(port = config.ports[definition.name]) {
      const bound = await listen(http, {
        service: definition.name,
        host: config.host,
        port,
        portVariable: `${definition.name.toUpperCase()}_PORT`,
      });
      return graphqlUrl(config.host, bound);
    },
    async close() {
      // Stop accepting at once; sockets get 1001 (going away); requests in flight finish within the grace period.
      const drained = closeServer(http, config.shutdownGraceMs);
      await wsServer.dispose();
      await drained;
      await stopBackground?.();
      await executors.stop();
      await relay.drain();
      await relay.stop();
      if (!options.bus) await bus.close();
      await db.close();
      await observability.close();
    },
  };
}

function stringParam(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * A subscription keeps one context for all its events, and with it one
 * identity map and one set of loader caches: every event after the first
 * would show entities as the first event had cached them. Each event is
 * therefore resolved with a fresh EntityManager and fresh loaders.
 */
function freshDataPerEvent(schema: GraphQLSchema, refresh: (context: unknown) => void): void {
  const subscriptionType = schema.getSubscriptionType();
  for (const field of Object.values(subscriptionType?.getFields() ?? {})) {
    const resolve = field.resolve ?? defaultFieldResolver;
    field.resolve = (source, args, context, info) => {
      refresh(context);
      return resolve(source, args, context, info);
    };
  }
}
