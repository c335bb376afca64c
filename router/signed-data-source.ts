import { type GraphQLDataSourceProcessOptions, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ANONYMOUS } from '../subgraphs/kit/auth/identity.ts';
import { IDENTITY_HEADER, signIdentity } from '../subgraphs/kit/auth/identity-header.ts';
import type { RouterContext } from './context.ts';

/**
 * Every fetch the gateway makes to a subgraph carries the caller's identity in
 * a header the router signs (DESIGN.md §4); a subgraph refuses a request
 * without a valid one, so it is useless when reached around the router.
 *
 * The header is signed on the first fetch of a request and reused by the
 * others (one query plan may make many fetches). It expires after the kit's
 * default of 60 seconds, far longer than any one request should take.
 */
export class SignedDataSource extends RemoteGraphQLDataSource<RouterContext> {
  readonly #secret: string;

  constructor(options: { url: string; secret: string }) {
    super({ url: options.url });
    this.#secret = options.secret;
  }

  override willSendRequest(options: GraphQLDataSourceProcessOptions<RouterContext>): void {
    const headers = options.request.http?.headers;
    if (!headers) return;
    // Only a fetch made for a client's operation has an incoming request (and our context).
    if (!('incomingRequestContext' in options)) {
      // Not on behalf of a caller (the gateway's own health checks): no privilege at all.
      headers.set(IDENTITY_HEADER, signIdentity(ANONYMOUS, this.#secret));
      return;
    }
    const context = options.context;
    context.signedIdentity ??= signIdentity(context.identity, this.#secret);
    headers.set(IDENTITY_HEADER, context.signedIdentity);
  }
}
