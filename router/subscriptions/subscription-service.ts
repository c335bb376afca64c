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
import type { Identity } from '../../platform/auth/identity.ts';
import { IDENTITY_HEADER, signIdentity } from '../../platform/auth/identity-header.ts';
import type { Logger } from '../../platform/observability/log.ts';
import { REQUEST_ID_HEADER } from '../../platform/runtime/request-scope.ts';
import type { OperationLimitCheck } from '../limits/operation-limits.ts';
import { subscriptionRefusal } from './authorize.ts';
import { type Channel, mapTaken } from './channel.ts';
import { createSubscriptionHub, sharedSubscriptionKey } from './dedupe.ts';
import type { SubscriptionGraph } from './graph.ts';
import { type LiveObserver, type LiveTransport, QUIET_OBSERVER, TRANSPORT_WORDS } from './live-metrics.ts';
import type { SubscriptionPlan } from './plan.ts';
import { lastEventIdOf, positionOf, resumeStream, resyncRefusalOf, withEventId } from './resume.ts';
import { type SharedStream, sharedStreamOf } from './shared-stream.ts';
import { createSubscriptionLimits, type SubscriptionLimitSettings, type SubscriptionTicket } from './subscription-limits.ts';
import { createUpstreamPool, type UpstreamSink } from './upstream.ts';

export type SubscriptionServiceOptions = {
  /**
   * The supergraph subscriptions are planned, authorized and completed on, as
   * of now: read once per subscription, which keeps it (router/hot-reload.ts swaps it).
   */
  graph: () => SubscriptionGraph;
  /** Per subgraph name, its URL (the upstream subscription). */
  urlOf: ReadonlyMap<string, string>;
  /** Signs the identity header for subgraphs. */
  secret: string;
  /** The HTTP path's depth, alias and cost limits (limits/operation-limits.ts), checked before validation. */
  limitOperation?: OperationLimitCheck;
  /** Open subscriptions allowed per connection, per caller and in all (subscription-limits.ts). */
  limits?: SubscriptionLimitSettings;
  /** Live data's metrics and spans (live-metrics.ts); none by default. */
  observer?: LiveObserver;
  /** Trusted documents (router/trusted-documents/gate.ts): the request as it may run, or its refusal; everything runs by default. */
  trust?: (identity: Identity, request: SubscribeRequest) => Promise<SubscribeRequest | GraphQLError>;
  log: Logger;
};

/** A subscribe request as every transport receives it. */
export type SubscribeRequest = {
  query: string;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
  /** `lastEventId` (resume.ts) asks for every event after it. */
  extensions?: Record<string, unknown> | null;
};

/** A subscription checked and planned, not opened yet. */
export type PreparedSubscription = {
  graph: SubscriptionGraph;
  identity: Identity;
  /** The request id sent to the subgraph with the upstream. */
  requestId: string;
  plan: SubscriptionPlan;
  parsed: DocumentNode;
  /** The document as printed from its parse, for the shared key. */
  document: string;
  operationName: string | undefined;
  variables: Record<string, unknown>;
  /** The last event id the client saw: it gets every event after it first (resume.ts). */
  lastEventId: string | undefined;
  transport: LiveTransport;
  /** Set when the subscription is a shared stream (shared-stream.ts): one upstream for all its callers, run as the router. */
  shared: SharedStream | undefined;
};

/** A prepared subscription that holds its place under the limits, given back when it ends. */
export type AdmittedSubscription = PreparedSubscription & { ticket: SubscriptionTicket };

export type SubscriptionService = {
  /** The trusted-documents check, before `prepare`: the request as it may run (a published document's text), or its refusal. */
  trust(identity: Identity, request: SubscribeRequest): Promise<SubscribeRequest | GraphQLError>;
  /**
   * Parses, limits, validates, authorizes and plans one subscription; nothing
   * is opened or counted yet. `transport` is the one that carries it (named
   * in the refusal of a query or mutation, counted in the metrics).
   */
  prepare(
    identity: Identity,
    requestId: string,
    request: SubscribeRequest,
    transport: LiveTransport,
  ): PreparedSubscription | GraphQLError[];
  /**
   * Takes a place under the limits for `connection` (one socket, or one HTTP stream) and `caller` (callerKeyOf), or the refusal.
   * `callerLimit`: the caller's own cap (a partner key's maxSubscriptions) instead of SUBSCRIPTIONS_PER_CALLER.
   */
  reserve(connection: object, caller: string, callerLimit?: number): SubscriptionTicket | GraphQLError;
  /** Every place `connection` holds is free again (it closed). */
  releaseConnection(connection: object): void;
  /** Joins the subscription's shared group, opening its upstream if it is the first; its ticket is released when it leaves. */
  join(admitted: AdmittedSubscription, onLeave?: () => void): Channel<ExecutionResult>;
  /** Upstream subscriptions open now (one per shared group). */
  upstreams(): number;
  /** Sockets to subgraphs open now, which carry the upstream subscriptions. */
  upstreamSockets(): number;
  subscribers(): number;
  /** Ends every subscriber and closes every upstream. */
  close(): void;
};

/**
 * What every subscription transport of the router shares (graphql-ws in
 * ws-server.ts, Server-Sent Events and multipart HTTP in http-streams.ts):
 * one planner per graph, one set of limits, one hub of shared groups and one
 * pool of upstream sockets. A caller's subscriptions count together whichever
 * transport carries them, and identical subscriptions share an upstream
 * across transports.
 */
export function createSubscriptionService(options: SubscriptionServiceOptions): SubscriptionService {
  const hub = createSubscriptionHub<FormattedExecutionResult, ExecutionResult>();
  const observer = options.observer ?? QUIET_OBSERVER;
  const limits = createSubscriptionLimits(options.limits ?? { perSocket: 100, perCaller: 500, total: 20_000 });
  // Every upstream subscription travels over a few shared sockets to its subgraph, signed in as the router.
  const upstreamPool = createUpstreamPool({
    connectionParams: () => ({ [IDENTITY_HEADER]: signIdentity(ROUTER_IDENTITY, options.secret) }),
    log: options.log,
  });

  const prepare: SubscriptionService['prepare'] = (identity, requestId, request, transport) => {
    const graph = options.graph();
    const { planner } = graph;
    let document: DocumentNode;
    try {
      document = parse(request.query);
    } catch (error) {
      return [withCode(error as GraphQLError, 'GRAPHQL_PARSE_FAILED')];
    }
    const overLimit = options.limitOperation?.(identity, planner.schema, document, request.variables ?? {});
    if (overLimit) return [overLimit];
    const invalid = validate(planner.schema, document);
    if (invalid.length > 0) return invalid.map((error) => withCode(error, 'GRAPHQL_VALIDATION_FAILED'));
    const lastEventId = lastEventIdOf(request.extensions);
    if (lastEventId instanceof GraphQLError) return [lastEventId];
    const operationName = request.operationName ?? undefined;
    const operation: OperationDefinitionNode | null | undefined = getOperationAST(document, operationName);
    if (!operation)
      return [new GraphQLError('the document names no operation to run; give operationName', { extensions: { code: 'BAD_USER_INPUT' } })];
    if (operation.operation !== 'subscription') {
      return [
        new GraphQLError(
          `this ${TRANSPORT_WORDS[transport]} serves subscriptions; send the ${operation.operation} as an HTTP POST to /graphql`,
          {
            extensions: { code: 'BAD_USER_INPUT' },
          },
        ),
      ];
    }
    const coerced = getVariableValues(planner.schema, operation.variableDefinitions ?? [], request.variables ?? {});
    if (coerced.errors) return coerced.errors.map((error) => withCode(error, 'BAD_USER_INPUT'));
    const variables = coerced.coerced as Record<string, unknown>;
    const shared = sharedStreamOf(graph, document, operation, variables, identity);
    const checked = shared ? (coordinate: string) => shared.roots.has(coordinate) : undefined;
    const refusal = subscriptionRefusal(graph.requirements, planner.schema, document, operation, variables, identity, checked);
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
      lastEventId,
      transport,
      shared,
    };
  };

  const join: SubscriptionService['join'] = (admitted, onLeave) => {
    const { graph, requestId, plan, variables, operationName, ticket, shared, transport } = admitted;
    const owner = plan.primary.serviceName;
    const url = options.urlOf.get(owner);
    if (!url) throw new Error(`no URL for subgraph ${owner}`);
    // A shared stream runs as the router for everyone; each subscriber's forbidden fields are taken out per event.
    const identity = shared?.identity ?? admitted.identity;
    const openUpstream = (sink: UpstreamSink, resumeAfter?: string) =>
      upstreamPool.open(
        {
          subgraph: owner,
          url,
          query: plan.primary.operation,
          operationName: plan.primary.operationName,
          variables: Object.fromEntries(
            (plan.primary.variableUsages ?? []).filter((name) => name in variables).map((name) => [name, variables[name]]),
          ),
          extensions: {
            [IDENTITY_HEADER]: signIdentity(identity, options.secret),
            [REQUEST_ID_HEADER]: requestId,
            ...(resumeAfter === undefined ? {} : { resumeAfter }),
          },
        },
        sink,
      );
    // Each result carries its event's position as the id a client resumes from.
    const complete = async (event: FormattedExecutionResult) =>
      withEventId(await graph.complete({ plan, identity, variables, operationName }, event), positionOf(event));
    // Identical subscriptions planned on different graphs (before and after a reload) do not share.
    const live = hub.join(
      `${graph.id}:${sharedSubscriptionKey({ ...admitted, acrossCallers: shared !== undefined })}`,
      () => ({ open: (sink) => openUpstream(sink), complete, batch: (event) => observer.batch(owner, positionOf(event)) }),
      () => {
        observer.left(transport);
        ticket.release();
        onLeave?.();
      },
    );
    observer.joined(transport);
    // The subscriber's own view: its forbidden fields out (shared streams), each result it takes counted.
    const deliver = (stream: Channel<ExecutionResult>) =>
      mapTaken(stream, (result) => {
        observer.delivered(transport);
        return shared ? shared.filter(result) : result;
      });
    const lastEventId = admitted.lastEventId;
    if (lastEventId === undefined) return deliver(live);
    observer.resumed(transport);
    return deliver(
      resumeStream({
        live,
        lastEventId,
        complete,
        openCatchUp: (sink) =>
          openUpstream(
            {
              ...sink,
              next: (event) => {
                const resync = resyncRefusalOf(event);
                if (!resync) return sink.next(event);
                observer.resyncRequired(transport);
                sink.error(resync);
              },
            },
            lastEventId,
          ),
      }),
    );
  };

  return {
    trust: (identity, request) => options.trust?.(identity, request) ?? Promise.resolve(request),
    prepare,
    reserve: (connection, caller, callerLimit) => limits.reserve(connection, caller, callerLimit),
    releaseConnection: (connection) => limits.releaseSocket(connection),
    join,
    upstreams: () => hub.groups(),
    upstreamSockets: () => upstreamPool.sockets(),
    subscribers: () => hub.subscribers(),
    close() {
      hub.close();
      upstreamPool.close();
    },
  };
}

/** The router's own identity on its sockets to subgraphs; each subscription carries its subscriber's identity (a shared stream, the router's). */
const ROUTER_IDENTITY: Identity = { kind: 'service', subject: 'router', scopes: [] };

/** Whose subscriptions count together: a signed-in caller's subject, or an anonymous caller's address. */
export function callerKeyOf(identity: Identity, remoteAddress: string | undefined): string {
  return identity.kind === 'anonymous' ? `anonymous:${remoteAddress ?? 'unknown'}` : `${identity.kind}:${identity.subject ?? ''}`;
}

/** The HTTP path's codes for errors graphql-js reports without one (Apollo Server adds the same), so every transport's refusals carry a code. */
function withCode(error: GraphQLError, code: string): GraphQLError {
  if (error.extensions.code !== undefined) return error;
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    extensions: { ...error.extensions, code },
  });
}
