import type { Identity } from '../auth/identity.ts';
import { IDENTITY_HEADER, signIdentity } from '../auth/identity-header.ts';
import type { SubgraphName } from '../config/config.ts';
import { traceHeaders } from '../observability/tracing.ts';

/**
 * The one error a call to another subgraph fails with: it could not be
 * reached, did not answer in time, or answered only errors. Every subgraph's
 * `peers.ts` lets it through, and a service that can say "try again later"
 * catches it and answers SERVICE_UNAVAILABLE; anywhere else it is an internal error.
 */
export class PeerUnavailable extends Error {
  readonly target: string;
  constructor(target: string, detail: string) {
    super(`call to ${target} failed: ${detail}`);
    this.name = 'PeerUnavailable';
    this.target = target;
  }
}

/**
 * How one subgraph asks another: straight to the other subgraph (not back
 * through the router), with a service identity signed exactly like the
 * router's, so the callee's own scope checks apply.
 */
export type ServiceClient = {
  query<T>(target: SubgraphName, query: string, variables?: Record<string, unknown>): Promise<T>;
};

export type ServiceClientOptions = {
  /** The calling subgraph (or the router): the identity's subject. */
  caller: SubgraphName | 'router';
  /** Scopes the caller's service identity holds. */
  scopes: readonly string[];
  secret: string;
  /** GraphQL URL of each subgraph, read at call time (embedded mode learns free ports as services start). */
  urls: Readonly<Partial<Record<SubgraphName, string>>>;
  timeoutMs?: number;
};

export function createServiceClient(options: ServiceClientOptions): ServiceClient {
  const identity: Identity = { kind: 'service', subject: options.caller, scopes: options.scopes };
  return {
    async query<T>(target: SubgraphName, query: string, variables: Record<string, unknown> = {}) {
      const url = options.urls[target];
      if (!url) throw new PeerUnavailable(target, 'its URL is not known');
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          // The W3C trace context of the work making the call (a request, a consumer): the peer's span joins its trace.
          headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: signIdentity(identity, options.secret), ...traceHeaders() },
          body: JSON.stringify({ query, variables }),
          signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
        });
      } catch (error) {
        throw new PeerUnavailable(target, (error as Error).message);
      }
      const body = (await response.json().catch(() => null)) as { data?: T; errors?: { message: string }[] } | null;
      if (!body || body.errors?.length || !body.data) {
        throw new PeerUnavailable(target, body?.errors?.map((error) => error.message).join('; ') ?? `HTTP ${response.status}`);
      }
      return body.data;
    },
  };
}
