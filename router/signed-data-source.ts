import { AsyncLocalStorage } from 'node:async_hooks';
import { STATUS_CODES } from 'node:http';
import { type GraphQLDataSourceProcessOptions, RemoteGraphQLDataSource } from '@apollo/gateway';
import { GraphQLError } from 'graphql';
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
import { type SubgraphAnswer, type SubgraphHttp, sameFailureAs, subgraphHttp } from './subgraph-http.ts';
import type { SubgraphResilience } from './subgraph-resilience.ts';

/** The gateway's fetch function (RemoteGraphQLDataSource's public `fetcher` option) and the response it reads. */
type Fetcher = RemoteGraphQLDataSource<RouterContext>['fetcher'];
type FetcherResponse = Awaited<ReturnType<Fetcher>>;

/** What `process` knows about the fetch being made that the fetcher needs (the gateway passes it neither). */
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

/** The subgraph's answer behind each response the fetcher returned, for `errorFromResponse`. */
const answerBehind = new WeakMap<FetcherResponse, { url: string; answer: SubgraphAnswer }>();

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
 * flight at once are merged (subgraph-http.ts). Only the gateway's public
 * extension points are used: its `fetcher` option sends, `willSendRequest`
 * adds the headers and `errorFromResponse` makes the error of a non-2xx
 * answer; the gateway still builds the request and reads the answer itself.
 */
export class SignedDataSource extends RemoteGraphQLDataSource<RouterContext> {
  readonly #sign: IdentitySigner;
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
    super({ url: options.url, fetcher: fetcherOver(options.http ?? sharedDefaultHttp()) });
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
    if (!this.#observe) return fetchScope.run(scope, () => super.process(options));
    const observed = this.#observe(this.#subgraph);
    try {
      const response = await fetchScope.run({ ...scope, observed }, () => super.process(options));
      observed.done();
      return response;
    } catch (error) {
      observed.done(error);
      throw error;
    }
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

  /**
   * The error of a non-2xx answer, as the gateway's own would be (its status is what subgraph-resilience.ts
   * classifies), marked as the failure of the one fetch it came from: every caller of a shared fetch makes
   * its own error of the one answer, and the subgraph failed once.
   */
  override async errorFromResponse(response: FetcherResponse): Promise<GraphQLError> {
    const behind = answerBehind.get(response);
    if (!behind) return super.errorFromResponse(response);
    const error = errorFromAnswer(behind.url, behind.answer);
    sameFailureAs(error, behind.answer);
    return error;
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

/**
 * The gateway's `fetcher`: POSTs over our pool, merging a read with an
 * identical one in flight (same URL, body and headers but the per-request
 * ones). The deadline and whether the fetch may be merged come from the
 * data source's `process`, through `fetchScope`.
 */
function fetcherOver(http: SubgraphHttp): Fetcher {
  return async (url, init) => {
    const body = String(init?.body ?? '');
    const headers = init?.headers ?? {};
    const scope = fetchScope.getStore();
    let shareKey: string | undefined;
    if (scope?.mergeScope !== undefined) {
      const parts = [scope.mergeScope, url, body];
      for (const [name, value] of Object.entries(headers)) if (!PER_REQUEST_HEADERS.has(name)) parts.push(`${name}:${value}`);
      shareKey = hashKey(...parts);
    }
    const answer = await http.post(url, headers, body, scope?.signal, shareKey);
    // Each caller gets a response of its own over the shared text, so each parses its own copy: the
    // gateway merges fetched objects into its result in place.
    const response = responseOf(answer);
    answerBehind.set(response, { url, answer });
    return response;
  };
}

/** The answer as the fetch response the gateway reads: status, body, and the headers it looks at. */
function responseOf(answer: SubgraphAnswer): FetcherResponse {
  const headers = new Headers();
  if (answer.contentType) headers.set('content-type', answer.contentType);
  if (answer.cacheControl) headers.set('cache-control', answer.cacheControl);
  if (answer.replicationPosition) headers.set(REPLICATION_POSITION_HEADER, answer.replicationPosition);
  const bodiless = answer.status === 204 || answer.status === 205 || answer.status === 304;
  return new Response(bodiless ? null : answer.text, { status: answer.status, statusText: STATUS_CODES[answer.status] ?? '', headers });
}

const isJson = (contentType: string) =>
  contentType.startsWith('application/json') || contentType.startsWith('application/graphql-response+json');

/** The error the gateway's own `errorFromResponse` makes of a non-2xx answer, with the URL the fetch went to. */
function errorFromAnswer(url: string, answer: SubgraphAnswer): GraphQLError {
  let body: unknown = answer.text;
  if (isJson(answer.contentType)) {
    try {
      body = JSON.parse(answer.text);
    } catch {
      // Not JSON after all: keep the text.
    }
  }
  const statusText = STATUS_CODES[answer.status] ?? '';
  const code = answer.status === 401 ? 'UNAUTHENTICATED' : answer.status === 403 ? 'FORBIDDEN' : undefined;
  return new GraphQLError(`${answer.status}: ${statusText}`, {
    extensions: { ...(code ? { code } : {}), response: { url, status: answer.status, statusText, body } },
  });
}
