import { AsyncLocalStorage } from 'node:async_hooks';
import { type GraphQLDataSourceProcessOptions, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ANONYMOUS } from '../subgraphs/kit/auth/identity.ts';
import { IDENTITY_HEADER, signIdentity } from '../subgraphs/kit/auth/identity-header.ts';
import { REQUEST_ID_HEADER } from '../subgraphs/kit/request-scope.ts';
import { TRACEPARENT_HEADER } from '../subgraphs/kit/tracing.ts';
import type { RouterContext } from './context.ts';
import type { FetchObserver, ObservedFetch } from './observability.ts';
import type { SubgraphResilience } from './subgraph-resilience.ts';

/** The deadline of the fetch being made, from `process` to the fetcher (the gateway's data source passes no signal itself). */
const fetchSignal = new AsyncLocalStorage<AbortSignal>();

/** The fetch being made, so `willSendRequest` can put its span in the headers. */
const currentFetch = new AsyncLocalStorage<ObservedFetch>();

/**
 * Every fetch the gateway makes to a subgraph carries the caller's identity in
 * a header the router signs (DESIGN.md §4); a subgraph refuses a request
 * without a valid one, so it is useless when reached around the router.
 *
 * The header is signed on the first fetch of a request and reused by the
 * others (one query plan may make many fetches). It expires after the kit's
 * default of 60 seconds, far longer than any one request should take.
 *
 * The request's id (`x-request-id`) and, when tracing, the fetch span's
 * `traceparent` go along, and each fetch is measured (router/observability.ts).
 */
export class SignedDataSource extends RemoteGraphQLDataSource<RouterContext> {
  readonly #secret: string;
  readonly #subgraph: string;
  readonly #observe: FetchObserver | undefined;
  readonly #resilience: SubgraphResilience | undefined;

  /**
   * With `resilience`, each fetch has a timeout, a query fetch that could not
   * connect is retried, and the subgraph's circuit breaker guards it
   * (subgraph-resilience.ts).
   */
  constructor(options: { url: string; secret: string; subgraph?: string; observe?: FetchObserver; resilience?: SubgraphResilience }) {
    super({ url: options.url });
    this.#secret = options.secret;
    this.#subgraph = options.subgraph ?? options.url;
    this.#observe = options.observe;
    this.#resilience = options.resilience;
    const fetcher = this.fetcher;
    this.fetcher = (url, init) => fetcher(url, { ...init, signal: fetchSignal.getStore() ?? init?.signal });
  }

  override process(options: GraphQLDataSourceProcessOptions<RouterContext>): ReturnType<RemoteGraphQLDataSource<RouterContext>['process']> {
    if (!this.#resilience) return this.#observed(options);
    // The query planner writes each fetch's operation, so its keyword comes first; only a mutation changes anything.
    const idempotent = !/^\s*mutation\b/.test(options.request.query ?? '');
    return this.#resilience.run(this.#subgraph, idempotent, (signal) => fetchSignal.run(signal, () => this.#observed(options)));
  }

  /** One attempt, measured. */
  async #observed(options: GraphQLDataSourceProcessOptions<RouterContext>): ReturnType<RemoteGraphQLDataSource<RouterContext>['process']> {
    if (!this.#observe) return super.process(options);
    const fetch = this.#observe(this.#subgraph);
    try {
      const response = await currentFetch.run(fetch, () => super.process(options));
      fetch.done();
      return response;
    } catch (error) {
      fetch.done(error);
      throw error;
    }
  }

  override willSendRequest(options: GraphQLDataSourceProcessOptions<RouterContext>): void {
    const headers = options.request.http?.headers;
    if (!headers) return;
    const traceparent = currentFetch.getStore()?.traceparent;
    if (traceparent) headers.set(TRACEPARENT_HEADER, traceparent);
    // Only a fetch made for a client's operation has an incoming request (and our context).
    if (!('incomingRequestContext' in options)) {
      // Not on behalf of a caller (the gateway's own health checks): no privilege at all.
      headers.set(IDENTITY_HEADER, signIdentity(ANONYMOUS, this.#secret));
      return;
    }
    const context = options.context;
    headers.set(REQUEST_ID_HEADER, context.requestId);
    context.signedIdentity ??= signIdentity(context.identity, this.#secret);
    headers.set(IDENTITY_HEADER, context.signedIdentity);
  }
}
