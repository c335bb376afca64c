import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { jwksOf } from '../subgraphs/kit/auth/jwt.ts';
import type { Secrets } from '../subgraphs/kit/auth/secrets.ts';
import type { Config } from '../subgraphs/kit/config.ts';
import { errorHandling } from '../subgraphs/kit/errors.ts';
import { sendError, sendJson, serveGraphQL } from '../subgraphs/kit/http/graphql-over-http.ts';
import { createHttpServer, headerValue, pathOf } from '../subgraphs/kit/http/http-server.ts';
import { closeServer, listen } from '../subgraphs/kit/http/listen.ts';
import { graphqlUrl } from '../subgraphs/kit/http/urls.ts';
import { createLogger, type Logger } from '../subgraphs/kit/log.ts';
import { apolloLogger } from './apollo-logger.ts';
import { authEnforcementPlugin } from './auth/enforce-plugin.ts';
import { supergraphForGateway } from './auth/gateway-sdl.ts';
import { createIdentityResolver } from './auth/identity.ts';
import { buildRequirementMap } from './auth/requirements.ts';
import type { RouterContext } from './context.ts';
import { createHealthCheck } from './health.ts';
import { SignedDataSource } from './signed-data-source.ts';
import { parseSupergraph, readSupergraph, type SubgraphUrlOverrides, subgraphEndpoints } from './supergraph.ts';
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
  const resolveIdentity = await createIdentityResolver(options.secrets, { issuer: config.jwtIssuer, audience: config.jwtAudience });

  const gateway = new ApolloGateway({
    supergraphSdl: supergraphForGateway(supergraph),
    buildService: ({ name, url }) => new SignedDataSource({ url: urlOf.get(name) ?? url ?? '', secret }),
    logger: apolloLogger(log),
  });
  const apollo = new ApolloServer<RouterContext>({
    gateway,
    // Open while the graph is young; limiting it is a later hardening step.
    introspection: true,
    ...errorHandling(config.mode, (error) => log.error('request failed', error)),
    plugins: [authEnforcementPlugin(buildRequirementMap(supergraph))],
    logger: apolloLogger(log),
    // index.ts and the embedded start close everything on SIGINT/SIGTERM themselves.
    stopOnTerminationSignals: false,
  });
  await apollo.start();

  const checkHealth = createHealthCheck(endpoints, options.healthTimeoutMs);
  const jwks = jwksOf(options.secrets.jwtVerificationKeys);

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = pathOf(req);
    const method = req.method ?? 'GET';
    if (path === '/.well-known/jwks.json') {
      // Public keys only, so clients and other services can verify our tokens; cacheable for a while.
      res.setHeader('cache-control', 'public, max-age=300');
      sendJson(res, 200, await jwks);
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
    if (path !== '/graphql') {
      sendError(res, 404, 'NOT_FOUND', `no route ${path}; GraphQL is served at /graphql`);
      return;
    }
    const caller = await resolveIdentity(headerValue(req, 'authorization'));
    if (!caller.ok) {
      sendError(res, 401, 'UNAUTHENTICATED', caller.reason, { 'www-authenticate': 'Bearer error="invalid_token"' });
      return;
    }
    await serveGraphQL(apollo, req, res, async () => ({ requestId: randomUUID(), identity: caller.identity }));
  };

  const http = createHttpServer(handle, log);

  return {
    http,
    async listen(port = config.ports.router) {
      const bound = await listen(http, { service: 'router', host: config.host, port, portVariable: 'ROUTER_PORT' });
      return graphqlUrl(config.host, bound);
    },
    async close() {
      await closeServer(http);
      await apollo.stop();
    },
  };
}
