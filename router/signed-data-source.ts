import { AsyncLocalStorage } from 'node:async_hooks';
import { STATUS_CODES } from 'node:http';
import { type GraphQLDataSourceProcessOptions, RemoteGraphQLDataSource } from '@apollo/gateway';
import { GraphQLError } from 'graphql';
import { ANONYMOUS } from '../platform/auth/identity.ts';
import { IDENTITY_HEADER } from '../platform/auth/identity-header.ts';
import { TRACEPARENT_HEADER } from '../platform/observability/tracing.ts';
import { CLIENT_ADDRESS_HEADER, REQUEST_ID_HEADER } from '../platform/runtime/request-scope.ts';
import type { RouterContext } from './context.ts';
import { type IdentitySigner, identitySigner } from './identity-signing.ts';
import type { FetchObserver, ObservedFetch } from './observability.ts';
import { type SubgraphAnswer, type SubgraphHttp, sameFailureAs, subgraphHttp } from './subgraph-http.ts';
import type { SubgraphResilience } from './subgraph-resilience.ts';

/** What `process` knows about the fetch being made that `sendRequest` needs (the gateway passes neither). */
type FetchScope = { signal?: AbortSignal; idempotent: boolean; observed?: ObservedFetch };
const fetchScope = new AsyncLocalStorage<FetchScope>();

/** Headers that differ between otherwise identical fetches without changing the answer: left out of the merge key. */
const PER_REQUEST_HEADERS = new Set([REQUEST_ID_HEADER, TRACEPARENT_HEADER]);

/** A subgraph fetch as the gateway hands it to its HTTP step. */
type SubgraphRequest = GraphQLDataSourceProcessOptions<RouterContext>['request'];
type SubgraphResponse = Awaited<ReturnType<RemoteGraphQLDataSource<RouterContext>['process']>>;

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
 *
 * Fetches go over a keep-alive pool, and identical read fetches in
 * flight at once are merged (subgraph-http.ts): the gateway's own HTTP path
 * (`sendRequest`) is replaced, its handling of the answer is not.
 */
export class SignedDataSource extends RemoteGraphQLDataSource<RouterContext> {
  readonly #sign: IdentitySigner;
  readonly #subgraph: string;
  readonly #observe: FetchObserver | undefined;
  readonly #resilience: SubgraphResilience | undefined;
  readonly #http: SubgraphHttp;

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
  }) {
    super({ url: options.url });
    this.#sign = options.sign ?? identitySigner(options.secret);
    this.#subgraph = options.subgraph ?? options.url;
    this.#observe = options.observe;
    this.#resilience = options.resilience;
    this.#http = options.http ?? sharedDefaultHttp();
    // The gateway's HTTP step is private in its type declarations, so it is replaced here rather than overridden.
    (this as unknown as { sendRequest: (request: SubgraphRequest) => Promise<SubgraphResponse> }).sendRequest = (request) =>
      this.#send(request);
  }

  override process(options: GraphQLDataSourceProcessOptions<RouterContext>): ReturnType<RemoteGraphQLDataSource<RouterContext>['process']> {
    // The query planner writes each fetch's operation, so its keyword comes first; only a mutation changes anything.
    const idempotent = !/^\s*mutation\b/.test(options.request.query ?? '');
    if (!this.#resilience) return this.#observed(options, { idempotent });
    return this.#resilience.run(this.#subgraph, idempotent, (signal) => this.#observed(options, { signal, idempotent }));
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

  override willSendRequest(options: GraphQLDataSourceProcessOptions<RouterContext>): void {
    const headers = options.request.http?.headers;
    if (!headers) return;
    const traceparent = fetchScope.getStore()?.observed?.traceparent;
    if (traceparent) headers.set(TRACEPARENT_HEADER, traceparent);
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
  }

  /** The gateway's HTTP step, over our pool; answers are returned as the gateway's own `sendRequest` would. */
  async #send(request: SubgraphRequest): Promise<SubgraphResponse> {
    const { http, ...payload } = request;
    if (!http) throw new Error("Internal error: Only 'http' requests are supported.");
    const body = JSON.stringify(payload);
    const headers: Record<string, string> = {};
    let shareKey: string | undefined;
    const scope = fetchScope.getStore();
    if (scope?.idempotent) shareKey = `${http.url}\n${body}`;
    for (const [name, value] of http.headers) {
      headers[name] = value;
      if (shareKey !== undefined && !PER_REQUEST_HEADERS.has(name)) shareKey += `\n${name}:${value}`;
    }
    const answer = await this.#http.post(http.url, headers, body, scope?.signal, shareKey);
    if (answer.status < 200 || answer.status > 299) {
      // Every caller of a shared fetch makes its own error of the one answer; the subgraph failed once.
      const error = errorFromAnswer(http.url, answer);
      sameFailureAs(error, answer);
      throw error;
    }
    const parsed: unknown = isJson(answer.contentType) ? JSON.parse(answer.text) : answer.text;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new Error(`Expected JSON response body, but received: ${answer.text.slice(0, 200)}`);
    }
    // The gateway reads only cache-control from `http` (for the response's cache hint).
    const responseHeaders = new Headers(answer.cacheControl ? { 'cache-control': answer.cacheControl } : {});
    return { ...(parsed as SubgraphResponse), http: { headers: responseHeaders } as SubgraphResponse['http'] };
  }
}

const isJson = (contentType: string) =>
  contentType.startsWith('application/json') || contentType.startsWith('application/graphql-response+json');

/** The error the gateway's own `sendRequest` makes of a non-2xx answer (its status is what subgraph-resilience.ts classifies). */
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
