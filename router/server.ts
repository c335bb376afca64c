import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { ApolloServer } from '@apollo/server';
import type { JWK } from 'jose';
import type { Identity } from '../platform/auth/identity.ts';
import { jwksOf, type RemoteKeySet, remoteKeySet } from '../platform/auth/jwt.ts';
import type { Secrets } from '../platform/auth/secrets.ts';
import type { Config } from '../platform/config/config.ts';
import type { EventBus } from '../platform/events/bus.ts';
import { errorHandling } from '../platform/graphql/errors.ts';
import { sendError, sendJson, serveGraphQL } from '../platform/http/graphql-over-http.ts';
import { createHttpServer, headerValue, pathOf } from '../platform/http/http-server.ts';
import { closeServer, listen } from '../platform/http/listen.ts';
import { createServiceClient } from '../platform/http/service-client.ts';
import { graphqlUrl } from '../platform/http/urls.ts';
import { createLogger, type Logger } from '../platform/observability/log.ts';
import { currentRequestScope } from '../platform/runtime/request-scope.ts';
import { apolloLogger } from './apollo-logger.ts';
import { apiKeyUsagePlugin } from './auth/api-key-usage-plugin.ts';
import { apiKeyUsageReporter, cachedApiKeyLookup, membersApiKeyLookup, ROUTER_SERVICE_SCOPES } from './auth/api-keys.ts';
import { checkCaller } from './auth/caller-check.ts';
import { authEnforcementPlugin } from './auth/enforce-plugin.ts';
import { createIdentityResolver } from './auth/identity.ts';
import { callbackForwarder, isCallbackPath } from './callbacks.ts';
import { clientAddressOf } from './client-address.ts';
import type { RouterContext } from './context.ts';
import { subgraphDocuments } from './documents.ts';
import { httpCachePlugin } from './entity-cache/http-cache.ts';
import { routerEntityCache } from './entity-cache/router-cache.ts';
import { createGateway } from './gateway.ts';
import { createHealthCheck } from './health.ts';
import { createLiveSupergraph, type ReloadOutcome, supergraphSource } from './hot-reload.ts';
import { identitySigner } from './identity-signing.ts';
import { admission, sendOverloaded } from './limits/admission.ts';
import { anonymousWritesPlugin } from './limits/anonymous-writes-plugin.ts';
import { callerLimits } from './limits/caller-limits.ts';
import { withRouterErrorCodes } from './limits/error-codes.ts';
import { operationLimitCheck } from './limits/operation-limits.ts';
import { operationLimitsPlugin, rememberedMeasure } from './limits/operation-limits-plugin.ts';
import { persistedQueries } from './limits/persisted-queries.ts';
import { memoryRateLimiter, type RateLimiter, redisRateLimiter } from './limits/rate-limit.ts';
import { createRouterObservability } from './observability.ts';
import { mergeIdenticalQueries } from './operation-merging.ts';
import { isUnsafePath } from './path-safety.ts';
import { replicationPositions } from './replication-positions.ts';
import { requestMerging } from './request-merging.ts';
import { registerRouterGauges } from './router-gauges.ts';
import { sendsCommonHeaders } from './security-headers.ts';
import { SignedDataSource } from './signed-data-source.ts';
import { subgraphHttp } from './subgraph-http.ts';
import { subgraphResilience } from './subgraph-resilience.ts';
import { httpSubscriptionTransports } from './subscriptions/http-transports.ts';
import { liveMetrics } from './subscriptions/live-metrics.ts';
import { attachSubscriptionServer } from './subscriptions/ws-server.ts';
import { parseSupergraph, type SubgraphUrlOverrides, subgraphEndpoints } from './supergraph.ts';
import { trustedDocumentGate } from './trusted-documents/gate.ts';
import { cachedTrustedDocumentLookup, membersTrustedDocumentLookup } from './trusted-documents/lookup.ts';
import { serveWebAsset } from './web-assets.ts';
import { webhookDispatcherOf } from './webhooks/dispatcher.ts';
import { routerWriteGenerations, writeGenerationsPlugin } from './write-generations.ts';

export type RouterOptions = {
  /** Verifies bearer tokens (public key) and signs the identity header for subgraphs. */
  secrets: Secrets;
  /** The composed supergraph SDL. Default: the file at `supergraphPath`, served and reloaded when it changes (hot-reload.ts). */
  supergraphSdl?: string;
  /** The supergraph file to serve and watch. Default: SUPERGRAPH_PATH, else schema/supergraph.graphql; none when `supergraphSdl` is given. */
  supergraphPath?: string;
  /** How often the supergraph file is stat'ed besides fs.watch. Default 5000 ms. */
  supergraphPollMs?: number;
  /** GraphQL URL per subgraph name, over `config.subgraphUrls` (tests run subgraphs on free ports). */
  subgraphUrls?: SubgraphUrlOverrides;
  /** How long `/health` waits for each subgraph's own `/health`. Default 2000 ms. */
  healthTimeoutMs?: number;
  /** The rate limiter; default Redis when `config.redisUrl` is set, else this router's memory. */
  rateLimiter?: RateLimiter;
  /** The clock bearer tokens' expiry is checked against; default the system clock. Tests move it instead of waiting. */
  now?: () => number;
  log?: Logger;
  /** Where the router hears the subgraphs' events (the embedded mode's bus, or RabbitMQ); without one, no entity cache. */
  bus?: EventBus;
};

export type Router = {
  readonly http: Server;
  /** Binds the port (0 picks a free one) and returns the GraphQL URL. */
  listen(port?: number): Promise<string>;
  /** Binds the metrics port (0 picks a free one), kept off the public port, and returns the /metrics URL. */
  listenMetrics(port?: number): Promise<string>;
  /** Reads the supergraph file again now (index.ts does on SIGHUP); a broken one is logged and the current graph kept. */
  reloadSupergraph(): Promise<ReloadOutcome>;
  close(): Promise<void>;
};

/**
 * The router (docs/architecture.md §1): @apollo/gateway inside Apollo Server, served
 * over Node's own http module. Builds everything and never listens; index.ts
 * does. Routes: `/graphql` (POST and GET), `/health`, and the web client at `/`.
 */
export async function createRouter(config: Config, options: RouterOptions): Promise<Router> {
  const log = options.log ?? createLogger('router', { quiet: config.mode === 'test', format: config.logFormat, level: config.logLevel });
  // Metrics at /metrics (internal network only), request ids, tracing when configured (observability.ts).
  const observability = createRouterObservability(config, log);
  const observeFetch = observability.observeFetch;
  const source = supergraphSource(config, options);
  const supergraph = parseSupergraph(source.sdl);
  const endpoints = subgraphEndpoints(supergraph, config, options.subgraphUrls);
  const urlOf = new Map(endpoints.map((endpoint) => [endpoint.name, endpoint.url]));
  const secret = options.secrets.internalAuthSecret;
  // The router asks members about API keys directly, as a service, like subgraphs ask each other.
  const peerUrls = { ...config.subgraphUrls, ...options.subgraphUrls, ...Object.fromEntries(urlOf) };
  const services = createServiceClient({ caller: 'router', scopes: ROUTER_SERVICE_SCOPES, secret, urls: peerUrls });
  const usage = apiKeyUsageReporter(services, log);
  // A partner's requests, subscribe messages and subscription streams all count in its key's usage.
  const recordUse = (identity: Identity) => {
    if (identity.kind === 'partner' && identity.subject) usage.record(identity.subject);
  };
  const remoteKeys = remoteKeySet(config.jwksUrl ?? new URL('/.well-known/jwks.json', peerUrls.members).href);
  const resolveIdentity = await createIdentityResolver(
    options.secrets,
    { issuer: config.jwtIssuer, audience: config.jwtAudience, now: options.now },
    { remoteKeys, apiKeys: cachedApiKeyLookup(membersApiKeyLookup(services), config.apiKeyCacheSeconds * 1000) },
  );
  const limiter = options.rateLimiter ?? (config.redisUrl ? redisRateLimiter(config.redisUrl, log) : memoryRateLimiter());
  const checkLimits = callerLimits(limiter, config);
  // Subgraph fetch timeouts, retries and circuit breakers; persisted queries in Redis or memory (limits/).
  const resilience = subgraphResilience(config.subgraphFetch, log);
  const apq = persistedQueries(config.redisUrl, log);

  // Every subgraph fetch shares one keep-alive pool, one identity signer and one memory of callers' write positions
  // (subgraph-http.ts, identity-signing.ts, replication-positions.ts: in Redis with REDIS_URL).
  const subgraphs = subgraphHttp({
    sharedFetchTimeoutMs: config.subgraphFetch.busyTimeoutMs,
    maxInFlightPerSubgraph: config.subgraphFetch.maxInFlight,
  });
  const sign = identitySigner(secret);
  const positions = replicationPositions(config, log);
  // Declared entity answers kept in memory (in Redis with REDIS_URL) and dropped by the events that change them (entity-cache/).
  const entities = routerEntityCache(config, { supergraph, bus: options.bus, metrics: observability.metrics, log });
  const shared = { secret, observe: observeFetch, resilience, http: subgraphs, sign, entityCache: entities?.cache, positions };
  const buildService = ({ name, url }: { name: string; url?: string }) =>
    new SignedDataSource({ ...shared, url: urlOf.get(name) ?? url ?? '', subgraph: name });
  // The graph with its rules and subscription planner, swapped without a restart when its file changes (hot-reload.ts).
  const live = createLiveSupergraph({
    ...source,
    pollMs: options.supergraphPollMs,
    config,
    overrides: options.subgraphUrls,
    urlOf,
    buildDataSource: buildService,
    log,
  });
  const gateway = createGateway({ supergraphSdl: live.gatewaySupergraph, buildService, logger: apolloLogger(log) });
  live.follow(gateway);
  if (entities) gateway.onSchemaLoadOrUpdate(({ coreSupergraphSdl }) => entities.follow(coreSupergraphSdl));
  // Identical queries of one caller in flight together run once (operation-merging.ts), and identical
  // query requests are answered once, in front of Apollo Server (request-merging.ts).
  const queries = mergeIdenticalQueries(gateway);
  const requests = requestMerging();
  const admitted = admission(config.maxRequestsInFlight);
  const writes = routerWriteGenerations(config, log);
  const measure = rememberedMeasure(config.operationLimits);
  const apollo = new ApolloServer<RouterContext>({
    gateway: queries.gateway,
    introspection: config.introspection,
    persistedQueries: apq.options,
    allowBatchedHttpRequests: config.maxBatchSize > 0,
    ...withRouterErrorCodes(errorHandling(config.mode, (error) => log.error('request failed', error))),
    plugins: [
      operationLimitsPlugin(config.operationLimits, measure),
      apiKeyUsagePlugin(usage, measure),
      anonymousWritesPlugin(limiter, config.anonymousMutationsPerMinute),
      authEnforcementPlugin(live.requirementsFor),
      observability.plugin,
      writeGenerationsPlugin(writes),
      ...(entities?.plugins ?? []),
      httpCachePlugin(entities ? config.entityCacheHttpMaxAgeSeconds : 0),
    ],
    logger: apolloLogger(log),
    // index.ts and the embedded start close everything on SIGINT/SIGTERM themselves.
    stopOnTerminationSignals: false,
  });
  await apollo.start();

  const checkHealth = createHealthCheck(endpoints, options.healthTimeoutMs);
  const forwardCallback = callbackForwarder(urlOf.get('payments'), { trustedProxyHops: config.trustedProxyHops });
  const localJwks = jwksOf(options.secrets.jwtVerificationKeys);
  const jwks = async () => publishedKeys(await localJwks, remoteKeys, log);

  const shed = observability.metrics.counter(
    'router_requests_shed_total',
    'GraphQL requests and document downloads (/images, /invoices) refused with 503 OVERLOADED (MAX_REQUESTS_IN_FLIGHT).',
  );
  observability.metrics.gaugeReader(
    'router_requests_in_flight',
    'GraphQL requests over HTTP the router is working on.',
    () => admitted.inFlight,
  );
  const forwardDocument = subgraphDocuments(urlOf, admitted, () => shed.inc());

  // Trusted documents (trusted-documents/gate.ts): documentId requests, and TRUSTED_DOCUMENTS=log|enforce.
  const unregistered = observability.metrics.counter(
    'router_unregistered_operations_total',
    'Operations no client published as a trusted document, by outcome: logged (TRUSTED_DOCUMENTS=log) or refused.',
    { labelNames: ['outcome'] },
  );
  const trustedDocuments = trustedDocumentGate({
    mode: config.trustedDocuments.mode,
    lookup: cachedTrustedDocumentLookup(membersTrustedDocumentLookup(services), config.trustedDocuments.cacheSeconds * 1000),
    log,
    onUnregistered: (outcome) => unregistered.inc({ outcome }),
  });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    sendsCommonHeaders(res);
    if (isUnsafePath(req.url ?? '/')) {
      sendError(res, 404, 'NOT_FOUND', 'no route serves a path with "." or ".." segments, backslashes or encoded separators');
      return;
    }
    const path = pathOf(req);
    const method = req.method ?? 'GET';
    if (path === '/.well-known/jwks.json') {
      // Public keys only, so clients and other services can verify our tokens; cacheable for a while.
      res.setHeader('cache-control', 'public, max-age=300');
      sendJson(res, 200, await jwks());
      return;
    }
    if (path === '/health') {
      if (method !== 'GET' && method !== 'HEAD') {
        sendError(res, 405, 'BAD_REQUEST', `${path} answers GET and HEAD; received ${method}`, { allow: 'GET, HEAD' });
        return;
      }
      const report = await checkHealth();
      sendJson(res, report.status === 'ok' ? 200 : 503, report);
      return;
    }
    if (isCallbackPath(path)) {
      // Payment providers' callbacks go to payments unchanged; their signatures, not ours, protect them.
      await forwardCallback(req, res);
      return;
    }
    // Invoice PDFs and product pictures go to the subgraph that keeps them (documents.ts).
    if (await forwardDocument(req, res, path, method)) return;
    // The web client (its page at /, its bundle at /assets/) and GraphiQL (web-assets.ts).
    if (path.startsWith('/graphiql') && !config.graphiql) {
      sendError(res, 404, 'NOT_FOUND', 'GraphiQL is off on this router (GRAPHIQL=false, the default in production)');
      return;
    }
    if (await serveWebAsset(req, res, path)) return;
    if (path !== '/graphql') {
      sendError(res, 404, 'NOT_FOUND', `no route ${path}; GraphQL is served at /graphql`);
      return;
    }
    // Subscriptions over Server-Sent Events or multipart HTTP: long-lived, so under the subscription limits rather than admission.
    const streaming = httpSubscriptions.transportFor(req);
    if (streaming) {
      await streaming(req, res);
      return;
    }
    // Shed load at the door, before anything is read or verified (limits/admission.ts).
    if (!admitted.tryEnter()) {
      shed.inc();
      sendOverloaded(res);
      return;
    }
    try {
      await serveGraphQLRequest(req, res);
    } finally {
      admitted.leave();
    }
  };

  /** A GraphQL request over HTTP, once admitted: CSRF, the caller, their limits, then Apollo Server. */
  const serveGraphQLRequest = async (req: IncomingMessage, res: ServerResponse) => {
    const caller = await checkCaller(req, res, { resolveIdentity, rateLimit: checkLimits, recordUse });
    if (!caller) return;
    // Taken as the request arrives: a write of the caller's answered later does not change what this read may join.
    const writeGeneration = await writes.of(caller.identity);
    await serveGraphQL(
      apollo,
      req,
      res,
      async () => ({
        requestId: currentRequestScope()?.requestId ?? randomUUID(),
        identity: caller.identity,
        clientAddress: clientAddressOf(req, config.trustedProxyHops),
        writeGeneration,
      }),
      {
        bodyLimit: config.maxBodyBytes,
        maxBatchSize: config.maxBatchSize,
        timeoutMs: config.requestTimeoutMs,
        prepare: trustedDocuments(caller.identity),
        around: (text, execute) =>
          requests.around(text, { identity: caller.identity, writeGeneration }, headerValue(req, 'accept') ?? '', execute),
      },
    );
  };

  const http = createHttpServer(handle, log, observability.observeRequest);
  // /metrics on a port of its own: what the router counts (callers, subgraphs, errors) is for the operator, not the internet.
  const metricsHttp = createHttpServer(async (req, res) => {
    if (pathOf(req) === '/metrics') await observability.serveMetrics(res);
    else sendError(res, 404, 'NOT_FOUND', 'this port serves /metrics only');
  }, log);
  // Subscriptions: graphql-ws on the same /graphql, with the same identity resolver and rules (subscriptions/ws-server.ts).
  const subscriptions = attachSubscriptionServer(http, {
    graph: live.subscriptionGraph,
    resolveIdentity,
    urlOf,
    secret,
    limitOperation: operationLimitCheck(config.operationLimits),
    limits: config.subscriptionLimits,
    rateLimit: checkLimits,
    recordUse,
    trust: (identity, request) => trustedDocuments.subscription(identity, request),
    observer: liveMetrics(observability.metrics, observability.tracing?.tracer),
    log,
  });
  const httpSubscriptions = httpSubscriptionTransports({
    service: subscriptions.service,
    resolveIdentity,
    rateLimit: checkLimits,
    recordUse,
    bodyLimit: config.maxBodyBytes,
    heartbeatMs: config.multipartHeartbeatMs,
    log,
  });
  // Partners' webhooks: events of their subscription documents, recorded in members and delivered signed (webhooks/).
  const webhooks = webhookDispatcherOf(config, { services, subscriptions: subscriptions.service, log });
  // What the router's mechanics count, read when scraped (router-gauges.ts).
  registerRouterGauges(observability.metrics, {
    requests,
    queries,
    subgraphs,
    resilience,
    subgraphNames: endpoints.map(({ name }) => name),
    subscriptions,
  });

  return {
    http,
    async listen(port = config.ports.router) {
      const bound = await listen(http, { service: 'router', host: config.host, port, portVariable: 'ROUTER_PORT' });
      return graphqlUrl(config.host, bound);
    },
    async listenMetrics(port = config.metricsPort) {
      const bound = await listen(metricsHttp, { service: 'router metrics', host: config.host, port, portVariable: 'METRICS_PORT' });
      return `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${bound}/metrics`;
    },
    reloadSupergraph: () => live.reload(),
    async close() {
      live.close();
      // Stop accepting at once; sockets get 1001 (going away); requests in flight finish within the grace period.
      const drained = closeServer(http, config.shutdownGraceMs);
      await webhooks?.stop();
      await subscriptions.close();
      await drained;
      await closeServer(metricsHttp, 0);
      await apollo.stop();
      await subgraphs.close();
      await usage.stop();
      await limiter.close();
      await apq.close();
      await positions?.kept.close();
      await writes.close();
      await entities?.close();
      await observability.close();
    },
  };
}

/**
 * The keys tokens are verified with: those configured here and those the
 * members subgraph publishes (fetched once if not cached yet). Members being
 * unreachable leaves the configured keys.
 */
async function publishedKeys(local: { keys: JWK[] }, remote: RemoteKeySet, log: Logger): Promise<{ keys: JWK[] }> {
  try {
    if (!remote.fresh) await remote.reload();
  } catch (error) {
    log.warn(`the members key set could not be fetched: ${(error as Error).message}`);
  }
  const keys = [...local.keys];
  for (const key of remote.jwks()?.keys ?? []) if (!keys.some((known) => known.kid === key.kid)) keys.push(key);
  return { keys };
}
