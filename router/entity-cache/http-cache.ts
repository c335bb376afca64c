import type { ApolloServerPlugin } from '@apollo/server';
import type { RouterContext } from '../context.ts';

/**
 * HTTP caching of public GET answers (docs/architecture.md §12, "HTTP
 * caching"), so a CDN or browser in front of the router can help too.
 *
 * An answer is public, `Cache-Control: public, max-age=N`, only when all of
 * these hold: it answers a GET (a persisted query or trusted document by
 * its id, or a query in the URL), the operation is a query, the caller is
 * anonymous (no token, no API key), it has no errors, and every subgraph
 * fetch of its plan was one the entity cache may keep for everyone (a
 * declared public root field, or entities of declared public types only).
 * Anything else is `private, no-store`.
 *
 * N is ENTITY_CACHE_HTTP_MAX_AGE_SECONDS, small on purpose: the router drops
 * its own entries by event the moment a change is delivered, but an event
 * cannot reach a copy held by a CDN or a browser; the max-age is how old such
 * a copy may get, the price of letting it help. 0 makes nothing public.
 */

/** What a request's subgraph fetches were, for the decision above; every fetch counts, cached or not. */
export type HttpCacheTally = { fetches: number; publicFetches: number };

export const UNCACHEABLE = 'private, no-store';

export function httpCachePlugin(maxAgeSeconds: number): ApolloServerPlugin<RouterContext> {
  return {
    async requestDidStart({ contextValue }) {
      contextValue.httpCacheTally = { fetches: 0, publicFetches: 0 };
      return {
        async willSendResponse({ request, operation, contextValue, response }) {
          const tally = contextValue.httpCacheTally;
          const body = response.body;
          const cacheable =
            maxAgeSeconds > 0 &&
            request.http?.method === 'GET' &&
            operation?.operation === 'query' &&
            contextValue.identity.kind === 'anonymous' &&
            body.kind === 'single' &&
            !body.singleResult.errors?.length &&
            tally !== undefined &&
            tally.fetches > 0 &&
            tally.publicFetches === tally.fetches;
          // Set whatever was there (Apollo Server's own cache-control plugin reads the subgraphs' `no-store`).
          response.http.headers.set('cache-control', cacheable ? `public, max-age=${maxAgeSeconds}` : UNCACHEABLE);
        },
      };
    },
  };
}
