import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import type { JWK } from 'jose';
import { jwksOf, type RemoteKeySet, remoteKeySet } from '../subgraphs/kit/auth/jwt.ts';
import type { Secrets } from '../subgraphs/kit/auth/secrets.ts';
import type { Config } from '../subgraphs/kit/config.ts';
import { errorHandling } from '../subgraphs/kit/errors.ts';
import { sendError, sendJson, serveGraphQL } from '../subgraphs/kit/http/graphql-over-http.ts';
import { createHttpServer, headerValue, pathOf } from '../subgraphs/kit/http/http-server.ts';
import { closeServer, listen } from '../subgraphs/kit/http/listen.ts';
import { graphqlUrl } from '../subgraphs/kit/http/urls.ts';
import { createLogger, type Logger } from '../subgraphs/kit/log.ts';
import { createServiceClient } from '../subgraphs/kit/service-client.ts';
import { apolloLogger } from './apollo-logger.ts';
import { apiKeyUsageReporter, cachedApiKeyLookup, membersApiKeyLookup, ROUTER_SERVICE_SCOPES } from './auth/api-keys.ts';
import { authEnforcementPlugin } from './auth/enforce-plugin.ts';
import { supergraphForGateway } from './auth/gateway-sdl.ts';
import { createIdentityResolver } from './auth/identity.ts';
import { buildRequirementMap } from './auth/requirements.ts';
import { callbackForwarder, isCallbackPath } from './callbacks.ts';
import type { RouterContext } from './context.ts';
import { createHealthCheck } from './health.ts';
import { invoiceDocumentForwarder } from './invoice-documents.ts';
import { callerLimits } from './limits/caller-limits.ts';
import { memoryRateLimiter, type RateLimiter, redisRateLimiter } from './limits/rate-limit.ts';
import { sendRateLimited } from './limits/rate-limited-response.ts';
import { SignedDataSource } from './signed-data-source.ts';
import { attachSubscriptionServer } from './subscriptions/ws-server.ts';
import { parseSupergraph, readSupergraph, type SubgraphUrlOverrides, subgraphEndpoints } from './supergraph.ts';
import { serveWebAsset } from './web-assets.ts';
import { sendWebClient } from './web-client.ts';

export type RouterOptions = {
  /** Verifies bearer tokens (public key) and signs the identity header for subgraphs. */
  secrets: Secrets;
  /** The composed supergraph SDL. Default: `schema/supergraph.graphql`, read once at start. */
  supergraphSdl?: string;
  /** GraphQL URL per subgraph name, over `config.subgraphUrls` (tests run subgraphs on free ports). */
  subgraphUrls?: SubgraphUrlOverrides;
  /** How long `/health` waits for each subgraph's own `/health`. Default 2000 ms. */
  healthTimeoutMs?: number;
  /** The rate limiter; default Redis when `config.redisUrl` is set, else this router's memory. */
  rateLimiter?: RateLimiter;
  log?: Logger;
};

export type Router = {
  readonly http: Server;
  /** Binds the port (0 picks a free one) and returns the GraphQL URL. */
  listen(port?: number): Promise<string>;
  close(): Promise<void>;
};

/**
 * The router of DESIGN.md §1: @apollo/gateway inside Apollo Server, served
 * over Node's own http module. Builds everything and never listens; index.ts
 * does. Routes: `/graphql` (POST and GET), `/health`, and the web client at `/`.
 */
export async function createRouter(config: Config, options: RouterOptions): Promise<Router> {
  const log = options.log ?? createLogger('router', { quiet: config.mode === 'test' });
  const supergraph = parseSupergraph(options.supergraphSdl ?? readSupergraph());
  const endpoints = subgraphEndpoints(supergraph, config, options.subgraphUrls);
  const urlOf = new Map(endpoints.map((endpoint) => [endpoint.name, endpoint.url]));
  const secret = options.secrets.internalAuthSecret;
  // The router asks members about API keys directly, as a service, like subgraphs ask each other.
  const peerUrls = { ...config.subgraphUrls, ...options.subgraphUrls, ...Object.fromEntries(urlOf) };
  const services = createServiceClient({ caller: 'router', scopes: ROUTER_SERVICE_SCOPES, secret, urls: peerUrls });
  const usage = apiKeyUsageReporter(services, log);
  const remoteKeys = remoteKeySet(config.jwksUrl ?? new URL('/.well-known/jwks.json', peerUrls.members).href);
  const resolveIdentity = await createIdentityResolver(
    options.secrets,
    { issuer: config.jwtIssuer, audience: config.jwtAudience },
    { remoteKeys, apiKeys: cachedApiKeyLookup(membersApiKeyLookup(services), config.apiKeyCacheSeconds * 1000) },
  );
  const limiter = options.rateLimiter ?? (config.redisUrl ? redisRateLimiter(config.redisUrl, log) : memoryRateLimiter());
  const checkLimits = callerLimits(limiter, config);

  const gatewaySdl = supergraphForGateway(supergraph);
  const requirements = buildRequirementMap(supergraph);
  const gateway = new ApolloGateway({
    supergraphSdl: gatewaySdl,
    buildService: ({ name, url }) => new SignedDataSource({ url: urlOf.get(name) ?? url ?? '', secret }),
    logger: apolloLogger(log),
  });
  const apollo = new ApolloServer<RouterContext>({
    gateway,
    // Open while the graph is young; limiting it is a later hardening step.
    introspection: true,
    ...errorHandling(config.mode, (error) => log.error('request failed', error)),
    plugins: [authEnforcementPlugin(requirements)],
    logger: apolloLogger(log),
    // index.ts and the embedded start close everything on SIGINT/SIGTERM themselves.
    stopOnTerminationSignals: false,
  });
  await apollo.start();

  const checkHealth = createHealthCheck(endpoints, options.healthTimeoutMs);
  const forwardCallback = callbackForwarder(urlOf.get('payments'));
  const forwardInvoiceDocument = invoiceDocumentForwarder(urlOf.get('invoices'));
  const localJwks = jwksOf(options.secrets.jwtVerificationKeys);
  const jwks = async () => publishedKeys(await localJwks, remoteKeys, log);

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = pathOf(req);
    const method = req.method ?? 'GET';
    if (path === '/.well-known/jwks.json') {
      // Public keys only, so clients and other services can verify our tokens; cacheable for a while.
      res.setHeader('cache-control', 'public, max-age=300');
      sendJson(res, 200, await jwks());
      return;
    }
    if (path === '/health' || path === '/') {
      if (method !== 'GET' && method !== 'HEAD') {
        sendError(res, 405, 'BAD_REQUEST', `${path} answers GET and HEAD; received ${method}`, { allow: 'GET, HEAD' });
        return;
      }
      if (path === '/') {
        await sendWebClient(res, method);
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
    if (path.startsWith('/invoices/')) {
      await forwardInvoiceDocument(req, res, method);
      return;
    }
    // The web client's scripts and styles, the graphql-ws client module and GraphiQL (web-assets.ts).
    if (await serveWebAsset(req, res, path)) return;
    if (path !== '/graphql') {
      sendError(res, 404, 'NOT_FOUND', `no route ${path}; GraphQL is served at /graphql`);
      return;
    }
    const caller = await resolveIdentity({ authorization: headerValue(req, 'authorization'), apiKey: headerValue(req, 'x-api-key') });
    if (!caller.ok) {
      if (caller.status === 503) sendError(res, 503, 'SERVICE_UNAVAILABLE', caller.reason, { 'retry-after': '5' });
      else sendError(res, 401, 'UNAUTHENTICATED', caller.reason, { 'www-authenticate': `${caller.scheme} error="invalid_token"` });
      return;
    }
    const decision = await checkLimits(caller.identity);
    if (!decision.allowed) {
      sendRateLimited(res, decision.retryAfterSeconds);
      return;
    }
    if (caller.identity.kind === 'partner' && caller.identity.subject) usage.record(caller.identity.subject);
    await serveGraphQL(apollo, req, res, async () => ({ requestId: randomUUID(), identity: caller.identity }));
  };

  const http = createHttpServer(handle, log);
  // Subscriptions: graphql-ws on the same /graphql, with the same identity resolver and rules (subscriptions/ws-server.ts).
  const subscriptions = attachSubscriptionServer(http, {
    supergraphSdl: gatewaySdl,
    resolveIdentity,
    requirements,
    dataSources: Object.fromEntries(endpoints.map(({ name, url }) => [name, new SignedDataSource({ url, secret })])),
    urlOf,
    secret,
    log,
  });

  return {
    http,
    async listen(port = config.ports.router) {
      const bound = await listen(http, { service: 'router', host: config.host, port, portVariable: 'ROUTER_PORT' });
      return graphqlUrl(config.host, bound);
    },
    async close() {
      await subscriptions.close();
      await closeServer(http);
      await apollo.stop();
      await usage.stop();
      await limiter.close();
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
