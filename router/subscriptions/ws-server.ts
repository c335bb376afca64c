import type { Server } from 'node:http';
import type { ServiceMap } from '@apollo/gateway';
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
import { WebSocketServer } from 'ws';
import type { Identity } from '../../subgraphs/kit/auth/identity.ts';
import { IDENTITY_HEADER, signIdentity } from '../../subgraphs/kit/auth/identity-header.ts';
import { pathOf } from '../../subgraphs/kit/http/http-server.ts';
import type { Logger } from '../../subgraphs/kit/log.ts';
import type { IdentityResolver } from '../auth/identity.ts';
import type { RequirementMap } from '../auth/requirements.ts';
import { subscriptionRefusal } from './authorize.ts';
import { eventCompleter } from './complete-event.ts';
import { createSubscriptionHub, sharedSubscriptionKey } from './dedupe.ts';
import { createSubscriptionPlanner, type SubscriptionPlan } from './plan.ts';
import { openUpstream } from './upstream.ts';

export type SubscriptionServerOptions = {
  /** The SDL the gateway plans queries over (gateway-sdl.ts). */
  supergraphSdl: string;
  /** The same resolver the HTTP path uses: one cache of API keys, one key set. */
  resolveIdentity: IdentityResolver;
  requirements: RequirementMap;
  /** Per subgraph name, its data source (entity fetches for each event) and URL (the upstream subscription). */
  dataSources: ServiceMap;
  urlOf: ReadonlyMap<string, string>;
  /** Signs the identity header for subgraphs. */
  secret: string;
  /** Server pings to each client every so often; default 12 s (graphql-ws's default). */
  keepAliveMs?: number;
  log: Logger;
};

export type SubscriptionServer = {
  /** Upstream subscriptions open now (one per shared group). */
  upstreams(): number;
  subscribers(): number;
  close(): Promise<void>;
};

/** What a subscription carries from `onSubscribe` (checked and planned) to `subscribe` (joining its group). */
type PreparedSubscription = {
  identity: Identity;
  plan: SubscriptionPlan;
  parsed: DocumentNode;
  /** The document as printed from its parse, for the shared key. */
  document: string;
  operationName: string | undefined;
  variables: Record<string, unknown>;
};

/** Close codes in graphql-ws's convention: 4401 for a credential that does not check out, 4503 (retry later) when it cannot be checked now. */
const UNAUTHORIZED = 4401;
const CANNOT_CHECK_NOW = 4503;

/**
 * Serves subscriptions over graphql-ws on the router's `/graphql` (DESIGN.md §6):
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
  const planner = createSubscriptionPlanner(options.supergraphSdl);
  const complete = eventCompleter(planner, options.dataSources);
  const hub = createSubscriptionHub<FormattedExecutionResult, ExecutionResult>();
  const identities = new WeakMap<object, Identity>();

  const wss = new WebSocketServer({ noServer: true });
  http.on('upgrade', (req, socket, head) => {
    if (pathOf(req) !== '/graphql') {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  const prepare = (identity: Identity, payload: SubscribePayload): PreparedSubscription | readonly GraphQLError[] => {
    let document: DocumentNode;
    try {
      document = parse(payload.query);
    } catch (error) {
      return [error as GraphQLError];
    }
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
    const refusal = subscriptionRefusal(options.requirements, planner.schema, document, operation, variables, identity);
    if (refusal) return [refusal];
    return { identity, plan: planner.plan(document, operationName), parsed: document, document: print(document), operationName, variables };
  };

  const join = (prepared: PreparedSubscription) => {
    const { identity, plan, variables, operationName } = prepared;
    const owner = plan.primary.serviceName;
    return hub.join(sharedSubscriptionKey(prepared), () => ({
      open: (sink) => {
        const url = options.urlOf.get(owner);
        if (!url) throw new Error(`no URL for subgraph ${owner}`);
        return openUpstream(
          {
            subgraph: owner,
            url,
            query: plan.primary.operation,
            operationName: plan.primary.operationName,
            variables: Object.fromEntries(
              (plan.primary.variableUsages ?? []).filter((name) => name in variables).map((name) => [name, variables[name]]),
            ),
            connectionParams: () => ({ [IDENTITY_HEADER]: signIdentity(identity, options.secret) }),
          },
          sink,
        );
      },
      complete: (event) => complete({ plan, identity, variables, operationName }, event),
    }));
  };

  const server = useServer(
    {
      onConnect: async (ctx) => {
        const params = ctx.connectionParams ?? {};
        const caller = await options.resolveIdentity({
          authorization: stringParam(params.authorization ?? params.Authorization),
          apiKey: stringParam(params['x-api-key']),
        });
        if (!caller.ok) {
          const code = caller.status === 503 ? CANNOT_CHECK_NOW : UNAUTHORIZED;
          ctx.extra.socket.close(code, closeReason(`${code === UNAUTHORIZED ? 'Unauthorized' : 'Unavailable'}: ${caller.reason}`));
          return false;
        }
        identities.set(ctx.extra.socket, caller.identity);
        return true;
      },
      onSubscribe: (ctx, _id, payload) => {
        const identity = identities.get(ctx.extra.socket);
        if (!identity) return [new GraphQLError('the connection is not initialised', { extensions: { code: 'UNAUTHENTICATED' } })];
        let prepared: PreparedSubscription | readonly GraphQLError[];
        try {
          prepared = prepare(identity, payload);
        } catch (error) {
          options.log.error('a subscription could not be planned', error);
          return [new GraphQLError('the subscription could not be planned', { extensions: { code: 'INTERNAL_SERVER_ERROR' } })];
        }
        if (!('plan' in prepared)) return [...prepared];
        // graphql-ws hands these arguments to `subscribe` below; the schema is never executed against.
        return { schema: planner.schema, document: prepared.parsed, operationName: payload.operationName, contextValue: prepared };
      },
      subscribe: (args) => join(args.contextValue as PreparedSubscription),
    },
    wss,
    options.keepAliveMs ?? 12_000,
  );

  return {
    upstreams: () => hub.groups(),
    subscribers: () => hub.subscribers(),
    async close() {
      // Closing the sockets ends every subscriber, and with the last of a group, its upstream.
      await server.dispose();
      hub.close();
    },
  };
}

function stringParam(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** WebSocket close reasons are limited to 123 bytes. */
function closeReason(reason: string): string {
  return Buffer.byteLength(reason) <= 123 ? reason : `${Buffer.from(reason).subarray(0, 120).toString()}...`;
}
