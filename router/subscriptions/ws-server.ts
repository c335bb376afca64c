import type { Server } from 'node:http';
import { GraphQLError } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { Identity } from '../../platform/auth/identity.ts';
import { webSocketsAt } from '../../platform/http/websockets.ts';
import { REQUEST_ID_HEADER, requestIdFrom } from '../../platform/runtime/request-scope.ts';
import type { IdentityResolver } from '../auth/identity.ts';
import type { Decision } from '../limits/rate-limit.ts';
import { watchAccess } from './access-watch.ts';
import {
  type AdmittedSubscription,
  callerKeyOf,
  createSubscriptionService,
  type PreparedSubscription,
  type SubscriptionService,
  type SubscriptionServiceOptions,
} from './subscription-service.ts';

export type SubscriptionServerOptions = SubscriptionServiceOptions & {
  /** The same resolver the HTTP path uses: one cache of API keys, one key set. */
  resolveIdentity: IdentityResolver;
  /** Server pings to each client every so often; default 12 s (graphql-ws's default). */
  keepAliveMs?: number;
  /** The caller's rate limit, the same bucket HTTP requests draw from: every subscribe message takes a token. */
  rateLimit?: (identity: Identity) => Promise<Decision>;
  /** How often an API key holder's key is checked again while its socket is open; default 1 s. */
  apiKeyRecheckMs?: number;
  /** Told of every subscribe message let through the rate limit (a partner's API key usage counts it, as it counts a request). */
  recordUse?: (identity: Identity) => void;
};

export type SubscriptionServer = {
  /** The planning, limits, shared groups and upstreams this server uses, for the router's other subscription transports. */
  readonly service: SubscriptionService;
  /** Upstream subscriptions open now (one per shared group). */
  upstreams(): number;
  /** Sockets to subgraphs open now, which carry the upstream subscriptions. */
  upstreamSockets(): number;
  subscribers(): number;
  close(): Promise<void>;
};

/** Close codes in graphql-ws's convention: 4401 for a credential that does not check out, 4503 (retry later) when it cannot be checked now. */
const UNAUTHORIZED = 4401;
const CANNOT_CHECK_NOW = 4503;

/**
 * Serves subscriptions over graphql-ws on the router's `/graphql` (docs/architecture.md §6):
 * - `connection_init` carries the credential, `{ authorization: 'Bearer <jwt>' }`
 *   or `{ 'x-api-key': 'cpk_...' }` (none: anonymous), resolved like an HTTP
 *   request's headers; a bad one closes the socket with 4401;
 * - each `subscribe` is validated, authorized (the HTTP path's rules, refused
 *   with an `error` for that operation) and planned, then joins the shared
 *   group of identical subscriptions (dedupe.ts), whose upstream is opened on
 *   the owning subgraph with the caller's signed identity;
 * - each upstream event is completed once per group with the plan's `rest`.
 */
export function attachSubscriptionServer(http: Server, options: SubscriptionServerOptions): SubscriptionServer {
  const service = createSubscriptionService(options);
  const identities = new WeakMap<object, Identity>();
  const requestIds = new WeakMap<object, string>();
  const callerKeys = new WeakMap<object, string>();

  const wss = webSocketsAt(http, '/graphql');

  const server = useServer(
    {
      onConnect: async (ctx) => {
        const params = ctx.connectionParams ?? {};
        const credentials = {
          authorization: stringParam(params.authorization ?? params.Authorization),
          apiKey: stringParam(params['x-api-key']),
        };
        const caller = await options.resolveIdentity(credentials);
        if (!caller.ok) {
          const code = caller.status === 503 ? CANNOT_CHECK_NOW : UNAUTHORIZED;
          ctx.extra.socket.close(code, closeReason(`${code === UNAUTHORIZED ? 'Unauthorized' : 'Unavailable'}: ${caller.reason}`));
          return false;
        }
        const socket = ctx.extra.socket;
        identities.set(socket, caller.identity);
        requestIds.set(socket, requestIdFrom(headerOf(ctx.extra.request.headers[REQUEST_ID_HEADER])));
        callerKeys.set(socket, callerKeyOf(caller.identity, ctx.extra.request.socket.remoteAddress));
        const stopWatching = watchAccess(socket, credentials, {
          resolveIdentity: options.resolveIdentity,
          recheckMs: options.apiKeyRecheckMs ?? 1000,
          log: options.log,
        });
        socket.once('close', () => {
          stopWatching();
          service.releaseConnection(socket);
        });
        return true;
      },
      onSubscribe: async (ctx, _id, payload) => {
        const socket = ctx.extra.socket;
        const identity = identities.get(socket);
        if (!identity) return [new GraphQLError('the connection is not initialised', { extensions: { code: 'UNAUTHENTICATED' } })];
        const decision = options.rateLimit ? await options.rateLimit(identity) : ({ allowed: true } as const);
        if (!decision.allowed) {
          return [
            new GraphQLError(`too many requests from this caller; retry in ${decision.retryAfterSeconds} s`, {
              extensions: { code: 'RATE_LIMITED', retryAfterSeconds: decision.retryAfterSeconds },
            }),
          ];
        }
        options.recordUse?.(identity);
        const trusted = await service.trust(identity, payload);
        if (trusted instanceof GraphQLError) return [trusted];
        let prepared: PreparedSubscription | GraphQLError[];
        try {
          prepared = service.prepare(identity, requestIds.get(socket) ?? requestIdFrom(undefined), trusted, 'graphql-ws');
        } catch (error) {
          options.log.error('a subscription could not be planned', error);
          return [new GraphQLError('the subscription could not be planned', { extensions: { code: 'INTERNAL_SERVER_ERROR' } })];
        }
        if (Array.isArray(prepared)) return prepared;
        const ticket = service.reserve(socket, callerKeys.get(socket) ?? 'unknown', identity.keyLimits?.maxSubscriptions);
        if (ticket instanceof GraphQLError) return [ticket];
        // graphql-ws hands these arguments to `subscribe` below; the schema is never executed against.
        return {
          schema: prepared.graph.planner.schema,
          document: prepared.parsed,
          operationName: payload.operationName,
          contextValue: { ...prepared, ticket },
        };
      },
      subscribe: (args) => {
        const prepared = args.contextValue as AdmittedSubscription;
        try {
          return service.join(prepared);
        } catch (error) {
          prepared.ticket.release();
          throw error;
        }
      },
    },
    wss,
    options.keepAliveMs ?? 12_000,
  );

  return {
    service,
    upstreams: () => service.upstreams(),
    upstreamSockets: () => service.upstreamSockets(),
    subscribers: () => service.subscribers(),
    async close() {
      // Closing the sockets ends every subscriber, and with the last of a group, its upstream; then the other transports' subscribers.
      await server.dispose();
      service.close();
    },
  };
}

function headerOf(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function stringParam(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** WebSocket close reasons are limited to 123 bytes. */
function closeReason(reason: string): string {
  return Buffer.byteLength(reason) <= 123 ? reason : `${Buffer.from(reason).subarray(0, 120).toString()}...`;
}
