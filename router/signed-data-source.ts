import { AsyncLocalStorage } from 'node:async_hooks';
import { type GraphQLDataSourceProcessOptions, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ANONYMOUS } from '../platform/auth/identity.ts';
import { IDENTITY_HEADER } from '../platform/auth/identity-header.ts';
import { READ_PRIMARY_HEADER, REPLICATION_POSITION_HEADER } from '../platform/graphql/replication-position.ts';
import type { Logger } from '../platform/observability/log.ts';
import { CLIENT_ADDRESS_HEADER, REQUEST_ID_HEADER } from '../platform/runtime/request-scope.ts';
import type { RouterContext } from './context.ts';
import type { EntityCache } from './entity-cache/entity-cache.ts';
import { type IdentitySigner, identitySigner } from './identity-signing.ts';
import { hashKey } from './merge-keys.ts';
import type { FetchObserver, ObservedFetch } from './observability.ts';
import { forwardPosition, type ReplicationPositions, rememberPosition } from './replication-positions.ts';
import { bodyOf, cacheHintOf, errorFromAnswer, isOk, PlainHeaders, responseOf } from './subgraph-answer.ts';
import { type SubgraphAnswer, type SubgraphHttp, subgraphHttp } from './subgraph-http.ts';
import type { SubgraphResilience } from './subgraph-resilience.ts';

/** What `process` knows about the fetch being made that `willSendRequest` and the POST need (the gateway passes neither). */
type FetchScope = {
  signal?: AbortSignal;
  /** Set when the fetch may share an identical one in flight: the caller's write generation (write-generations.ts). */
  mergeScope?: string;
  observed?: ObservedFetch;
  /** The entity cache will keep the answer: the subgraph reads it from its primary (READ_PRIMARY_HEADER). */
  readPrimary?: boolean;
};
const fetchScope = new AsyncLocalStorage<FetchScope>();

/** Headers that differ between otherwise identical fetches without changing the answer: left out of the merge key. */
const PER_REQUEST_HEADERS = new Set([REQUEST_ID_HEADER, 'traceparent', 'tracestate']);

/** Data sources made without their own share one pool (tests, tools); the router passes its own. */
let defaultHttp: SubgraphHttp | undefined;
const sharedDefaultHttp = () => {
  defaultHttp ??= subgraphHttp();
  return defaultHttp;
};

/**
 * Every fetch the gateway makes to a subgraph carries the caller's identity in
 * a header the router signs (docs/architecture.md §4); a subgraph refuses a request
 * without a valid one, so it is useless when reached around the router. The
 * header is signed once per caller every 20 s (identity-signing.ts).
 *
 * The request's id (`x-request-id`) and, when tracing, the fetch span's
 * `traceparent` go along, and each fetch is measured (router/observability.ts).
 * So does the position of the caller's last write at that subgraph, and a
 * write's answer names its own (replication-positions.ts), so any instance
 * of a subgraph reading replicas serves the caller their own writes.
 *
 * Fetches go over a keep-alive pool, and identical read fetches in
 * flight at once are merged (subgraph-http.ts). The data source's public
 * `process` is ours: it does what the gateway's does (and calls the same
 * `willSendRequest` and `didReceiveResponse` hooks) on plain objects instead
 * of the fetch API's, which cost more per fetch than the JSON parse they end
 * in (subgraph-answer.ts).
 */
export class SignedDataSource extends RemoteGraphQLDataSource<RouterContext> {
  readonly #sign: IdentitySigner;
  readonly #http: SubgraphHttp;
  readonly #subgraph: string;
  readonly #observe: FetchObserver | undefined;
  readonly #resilience: SubgraphResilience | undefined;
  readonly #entityCache: EntityCache | undefined;
  readonly #positions: { kept: ReplicationPositions; log: Logger } | undefined;

  /**
   * With `resilience`, each fetch has a timeout, a query fetch that could not
   * connect is retried, and the subgraph's circuit breaker guards it
   * (subgraph-resilience.ts).
   */
  constructor(options: {
    url: string;
    secret: string;
    subgraph?: string;
    observe?: FetchObserver;
    resilience?: SubgraphResilience;
    http?: SubgraphHttp;
    sign?: IdentitySigner;
    /** Answers entity fetches of a query's plan from memory where the supergraph allows (entity-cache/). */
    entityCache?: EntityCache;
    /** Carries the positions of callers' writes to the subgraph's instances (replication-positions.ts). */
    positions?: { kept: ReplicationPositions; log: Logger };
  }) {
    super({ url: options.url });
    this.#http = options.http ?? sharedDefaultHttp();
    this.#sign = options.sign ?? identitySigner(options.secret);
    this.#subgraph = options.subgraph ?? options.url;
    this.#observe = options.observe;
    this.#resilience = options.resilience;
    this.#entityCache = options.entityCache;
    this.#positions = options.positions;
  }

  override process(options: GraphQLDataSourceProcessOptions<RouterContext>): ReturnType<RemoteGraphQLDataSource<RouterContext>['process']> {
    // The query planner writes each fetch's operation, so its keyword comes first; only a mutation changes anything.
    const idempotent = !/^\s*mutation\b/.test(options.request.query ?? '');
    // Every fetch counts against a public Cache-Control; the entity cache counts those it may keep for everyone.
    const tally = 'incomingRequestContext' in options ? options.context.httpCacheTally : undefined;
    if (tally) tally.fetches++;
    // Only a query's plan reads the cache: a mutation's must see what it wrote, a subscription's events are fresh.
    if (
      this.#entityCache &&
      idempotent &&
      'incomingRequestContext' in options &&
      options.incomingRequestContext.operation?.operation === 'query'
    ) {
      const { context, request } = options;
      return this.#entityCache.serve(
        {
          subgraph: this.#subgraph,
          query: request.query ?? '',
          variables: request.variables,
          caller: context.identity,
          status: context.entityCacheStatus,
          tally,
          trace: context.answerTrace,
        },
        (variables, keeping) => this.#sent({ ...options, request: { ...request, variables } }, idempotent, keeping),
      );
    }
    return this.#sent(options, idempotent);
  }

  /** The fetch as sent: merged with an identical one where allowed, under the subgraph's resilience. */
  #sent(
    options: GraphQLDataSourceProcessOptions<RouterContext>,
    idempotent: boolean,
    readPrimary = false,
  ): ReturnType<RemoteGraphQLDataSource<RouterContext>['process']> {
    const mergeScope = mergeScopeOf(options, idempotent);
    if (!this.#resilience) return this.#observed(options, { mergeScope, readPrimary });
    return this.#resilience.run(this.#subgraph, idempotent, (signal) => this.#observed(options, { signal, mergeScope, readPrimary }));
  }

  /** One attempt, measured. */
  async #observed(
    options: GraphQLDataSourceProcessOptions<RouterContext>,
    scope: FetchScope,
  ): ReturnType<RemoteGraphQLDataSource<RouterContext>['process']> {
    if (!this.#observe) return fetchScope.run(scope, () => this.#fetch(options));
    const observed = this.#observe(this.#subgraph);
    try {
      const response = await fetchScope.run({ ...scope, observed }, () => this.#fetch(options));
      observed.done();
      return response;
    } catch (error) {
      observed.done(error);
      throw error;
    }
  }

  /**
   * What the gateway's own `process` does for a fetch, step for step (headers,
   * `willSendRequest`, POST, a non-2xx answer as its error, the body as its
   * response, `didReceiveResponse`, the Cache-Control hint), over our pool and
   * on plain objects: its Request, Headers and Response per fetch cost more
   * than the parse they end in (subgraph-answer.ts).
   */
  async #fetch(options: GraphQLDataSourceProcessOptions<RouterContext>): ReturnType<RemoteGraphQLDataSource<RouterContext>['process']> {
    const { request, context } = options;
    const headers = new PlainHeaders(request.http?.headers);
    headers.set('content-type', 'application/json');
    request.http = { method: 'POST', url: this.url, headers };
    await this.willSendRequest(options);
    if (!request.query) throw new Error('Missing query');
    const { http: _, ...payload } = request;
    const answer = await this.#post(headers.toObject(), JSON.stringify(payload));
    if (!isOk(answer.status)) throw errorFromAnswer(this.url, answer);
    const response = { ...bodyOf(answer), http: responseOf(this.url, answer) };
    const pathInIncomingRequest = 'pathInIncomingRequest' in options ? options.pathInIncomingRequest : undefined;
    // A health check's context is not a caller's (the gateway's own process passes it on the same way).
    const processed = await this.didReceiveResponse({ response, request, context: context as RouterContext, pathInIncomingRequest });
    const policy = 'incomingRequestContext' in options ? options.incomingRequestContext.overallCachePolicy : undefined;
    if (this.honorSubgraphCacheControlHeader && policy && 'restrict' in policy) policy.restrict(cacheHintOf(answer.cacheControl));
    return processed;
  }

  /** POSTs over our pool, merging a read with an identical one in flight (same URL, body and headers but the per-request ones). */
  #post(headers: Record<string, string>, body: string): Promise<SubgraphAnswer> {
    const scope = fetchScope.getStore();
    let shareKey: string | undefined;
    if (scope?.mergeScope !== undefined) {
      const parts = [scope.mergeScope, this.url, body];
      for (const [name, value] of Object.entries(headers)) if (!PER_REQUEST_HEADERS.has(name)) parts.push(`${name}:${value}`);
      shareKey = hashKey(...parts);
    }
    return this.#http.post(this.url, headers, body, scope?.signal, shareKey);
  }

  override async willSendRequest(options: GraphQLDataSourceProcessOptions<RouterContext>): Promise<void> {
    const headers = options.request.http?.headers;
    if (!headers) return;
    // Only the router says how far a caller's writes went (replication-positions.ts), never anything it was handed.
    headers.delete(REPLICATION_POSITION_HEADER);
    headers.delete(READ_PRIMARY_HEADER);
    if (fetchScope.getStore()?.readPrimary) headers.set(READ_PRIMARY_HEADER, '1');
    for (const [name, value] of Object.entries(fetchScope.getStore()?.observed?.traceHeaders ?? {})) headers.set(name, value);
    // Only a fetch made for a client's operation has an incoming request (and our context).
    if (!('incomingRequestContext' in options)) {
      // Not on behalf of a caller (the gateway's own health checks): no privilege at all.
      headers.set(IDENTITY_HEADER, this.#sign(ANONYMOUS));
      return;
    }
    const context = options.context;
    headers.set(REQUEST_ID_HEADER, context.requestId);
    if (context.clientAddress) headers.set(CLIENT_ADDRESS_HEADER, context.clientAddress);
    context.signedIdentity ??= this.#sign(context.identity);
    headers.set(IDENTITY_HEADER, context.signedIdentity);
    if (this.#positions) await forwardPosition(this.#positions.kept, context, this.#subgraph, headers, this.#positions.log);
  }

  /** A write's answer names the primary's position after it: kept before the answer goes on (replication-positions.ts). */
  override async didReceiveResponse({
    response,
    context,
  }: Parameters<NonNullable<RemoteGraphQLDataSource<RouterContext>['didReceiveResponse']>>[0]): Promise<typeof response> {
    const answered = response.http?.headers.get(REPLICATION_POSITION_HEADER);
    // Only a fetch for a caller's operation has a caller to keep it for (the gateway's own health checks have none).
    if (this.#positions && answered && context.identity)
      await rememberPosition(this.#positions.kept, context, this.#subgraph, answered, this.#positions.log);
    return response;
  }
}

/**
 * Whether a fetch may share an identical one in flight, and with which: only
 * reads, never a fetch of a mutation's plan (the entity fetches that follow a
 * mutation must see what it wrote), and only among fetches made for the same
 * write generation of the caller.
 */
function mergeScopeOf(options: GraphQLDataSourceProcessOptions<RouterContext>, idempotent: boolean): string | undefined {
  if (!idempotent) return undefined;
  if (!('incomingRequestContext' in options)) return '';
  if (options.incomingRequestContext.operation?.operation === 'mutation') return undefined;
  return String(options.context.writeGeneration ?? '');
}
