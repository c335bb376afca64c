import type { Server } from 'node:http';
import {
  type DocumentNode,
  type ExecutionResult,
  type FormattedExecutionResult,
  GraphQLError,
  getOperationAST,
  getVariableValues,
  type OperationDefinitionNode,
  parse,
  print,
  validate,
} from 'graphql';
import type { SubscribePayload } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import type { Identity } from '../../platform/auth/identity.ts';
import { IDENTITY_HEADER, signIdentity } from '../../platform/auth/identity-header.ts';
import { webSocketsAt } from '../../platform/http/websockets.ts';
import type { Logger } from '../../platform/observability/log.ts';
import { REQUEST_ID_HEADER, requestIdFrom } from '../../platform/runtime/request-scope.ts';
import type { IdentityResolver } from '../auth/identity.ts';
import type { OperationLimitCheck } from '../limits/operation-limits.ts';
import type { Decision } from '../limits/rate-limit.ts';
import { watchAccess } from './access-watch.ts';
import { subscriptionRefusal } from './authorize.ts';
import { createSubscriptionHub, sharedSubscriptionKey } from './dedupe.ts';
import type { SubscriptionGraph } from './graph.ts';
import type { SubscriptionPlan } from './plan.ts';
import { createSubscriptionLimits, type SubscriptionLimitSettings, type SubscriptionTicket } from './subscription-limits.ts';
import { createUpstreamPool } from './upstream.ts';

export type SubscriptionServerOptions = {
  /**
   * The supergraph subscriptions are planned, authorized and completed on, as
   * of now: read once per subscription, which keeps it (router/hot-reload.ts swaps it).
   */
  graph: () => SubscriptionGraph;
  /** The same resolver the HTTP path uses: one cache of API keys, one key set. */
  resolveIdentity: IdentityResolver;
  /** Per subgraph name, its URL (the upstream subscription). */
  urlOf: ReadonlyMap<string, string>;
  /** Signs the identity header for subgraphs. */
  secret: string;
  /** Server pings to each client every so often; default 12 s (graphql-ws's default). */
  keepAliveMs?: number;
  /** The HTTP path's depth, alias and cost limits (limits/operation-limits.ts), checked before validation. */
  limitOperation?: OperationLimitCheck;
  /** Open subscriptions allowed per socket, per caller and in all (subscription-limits.ts). */
  limits?: SubscriptionLimitSettings;
  /** The caller's rate limit, the same bucket HTTP requests draw from: every subscribe message takes a token. */
  rateLimit?: (identity: Identity) => Promise<Decision>;
  /** How often an API key holder's key is checked again while its socket is open; default 1 s. */
  apiKeyRecheckMs?: number;
  log: Logger;
};

export type SubscriptionServer = {
  /** Upstream subscriptions open now (one per shared group). */
  upstreams(): number;
  /** Sockets to subgraphs open now, which carry the upstream subscriptions. */
  upstreamSockets(): number;
  subscribers(): number;
  close(): Promise<void>;
};

/** What a subscription carries from `onSubscribe` (checked and planned) to `subscribe` (joining its group). */
type PreparedSubscription = {
  graph: SubscriptionGraph;
  identity: Identity;
  /** The connection's request id (its upgrade's `x-request-id`, or a new one), sent to the subgraph with the upstream. */
  requestId: string;
  plan: SubscriptionPlan;
  parsed: DocumentNode;
  /** The document as printed from its parse, for the shared key. */
  document: string;
  operationName: string | undefined;
  variables: Record<string, unknown>;
  /** Its place under the subscription limits, given back when it ends. */
  ticket: SubscriptionTicket;
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
  const hub = createSubscriptionHub<FormattedExecutionResult, ExecutionResult>();
  const identities = new WeakMap<object, Identity>();
  const requestIds = new WeakMap<object, string>();
  // Whose subscriptions count together: a signed-in caller's subject, or an anonymous caller's address.
  const callerKeys = new WeakMap<object, string>();
  const limits = createSubscriptionLimits(options.limits ?? { perSocket: 100, perCaller: 500, total: 20_000 });
  // Every upstream subscription travels over a few shared sockets to its subgraph, signed in as the router.
  const upstreamPool = createUpstreamPool({
    connectionParams: () => ({ [IDENTITY_HEADER]: signIdentity(ROUTER_IDENTITY, options.secret) }),
    log: options.log,
  });

  const wss = webSocketsAt(http, '/graphql');

  const prepare = (
    identity: Identity,
    requestId: string,
    payload: SubscribePayload,
  ): Omit<PreparedSubscription, 'ticket'> | readonly GraphQLError[] => {
    const graph = options.graph();
    const { planner } = graph;
    let document: DocumentNode;
    try {
      document = parse(payload.query);
    } catch (error) {
      return [error as GraphQLError];
    }
    const overLimit = options.limitOperation?.(identity, planner.schema, document, payload.variables ?? {});
    if (overLimit) return [overLimit];
    const invalid = validate(planner.schema, document);
    if (invalid.length > 0) return invalid;
    const operationName = payload.operationName ?? undefined;
    const operation: OperationDefinitionNode | null | undefined = getOperationAST(document, operationName);
    if (!operation)
      return [new GraphQLError('the document names no operation to run; give operationName', { extensions: { code: 'BAD_USER_INPUT' } })];
    if (operation.operation !== 'subscription') {
      return [
        new GraphQLError(`this socket serves subscriptions; send the ${operation.operation} as an HTTP POST to /graphql`, {
          extensions: { code: 'BAD_USER_INPUT' },
        }),
      ];
    }
    const coerced = getVariableValues(planner.schema, operation.variableDefinitions ?? [], payload.variables ?? {});
    if (coerced.errors) return coerced.errors;
    const variables = coerced.coerced as Record<string, unknown>;
    const refusal = subscriptionRefusal(graph.requirements, planner.schema, document, operation, variables, identity);
    if (refusal) return [refusal];
    return {
      graph,
      identity,
      requestId,
      plan: planner.plan(document, operationName),
      parsed: document,
      document: print(document),
      operationName,
      variables,
    };
  };

  const join = (prepared: PreparedSubscription) => {
    const { graph, identity, requestId, plan, variables, operationName, ticket } = prepared;
    const owner = plan.primary.serviceName;
    // Identical subscriptions planned on different graphs (before and after a reload) do not share.
    return hub.join(
      `${graph.id}:${sharedSubscriptionKey(prepared)}`,
      () => ({
        open: (sink) => {
          const url = options.urlOf.get(owner);
          if (!url) throw new Error(`no URL for subgraph ${owner}`);
          return upstreamPool.open(
            {
              subgraph: owner,
              url,
              query: plan.primary.operation,
              operationName: plan.primary.operationName,
              variables: Object.fromEntries(
                (plan.primary.variableUsages ?? []).filter((name) => name in variables).map((name) => [name, variables[name]]),
              ),
              extensions: { [IDENTITY_HEADER]: signIdentity(identity, options.secret), [REQUEST_ID_HEADER]: requestId },
            },
            sink,
          );
        },
        complete: (event) => graph.complete({ plan, identity, variables, operationName }, event),
      }),
      () => ticket.release(),
    );
  };

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
          limits.releaseSocket(socket);
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
        let prepared: Omit<PreparedSubscription, 'ticket'> | readonly GraphQLError[];
        try {
          prepared = prepare(identity, requestIds.get(socket) ?? requestIdFrom(undefined), payload);
        } catch (error) {
          options.log.error('a subscription could not be planned', error);
          return [new GraphQLError('the subscription could not be planned', { extensions: { code: 'INTERNAL_SERVER_ERROR' } })];
        }
        if (!('plan' in prepared)) return [...prepared];
        const ticket = limits.reserve(socket, callerKeys.get(socket) ?? 'unknown');
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
        const prepared = args.contextValue as PreparedSubscription;
        try {
          return join(prepared);
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
    upstreams: () => hub.groups(),
    upstreamSockets: () => upstreamPool.sockets(),
    subscribers: () => hub.subscribers(),
    async close() {
      // Closing the sockets ends every subscriber, and with the last of a group, its upstream.
      await server.dispose();
      hub.close();
      upstreamPool.close();
    },
  };
}

/** The router's own identity on its sockets to subgraphs; each subscription carries its subscriber's identity. */
const ROUTER_IDENTITY: Identity = { kind: 'service', subject: 'router', scopes: [] };

function callerKeyOf(identity: Identity, remoteAddress: string | undefined): string {
  return identity.kind === 'anonymous' ? `anonymous:${remoteAddress ?? 'unknown'}` : `${identity.kind}:${identity.subject ?? ''}`;
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
