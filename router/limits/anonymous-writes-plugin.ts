import { type ApolloServerPlugin, HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { RouterContext } from '../context.ts';
import type { RateLimiter } from './rate-limit.ts';

/**
 * Writes by callers nobody can name (registering, a guest's checkout) are the
 * only way an unauthenticated caller stores anything through the graph, so
 * they draw from a bucket per client address: ANONYMOUS_MUTATIONS_PER_MINUTE
 * (0: no limit). Reads stay unlimited here (the edge proxy's business, and a
 * popular page must not be refused); signed-in callers have their own buckets
 * (caller-limits.ts). Past it: 429 with Retry-After and RATE_LIMITED.
 */
export function anonymousWritesPlugin(limiter: RateLimiter, perMinute: number): ApolloServerPlugin<RouterContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, contextValue }) {
          if (perMinute <= 0 || operation?.operation !== 'mutation' || contextValue.identity.kind !== 'anonymous') return;
          const decision = await limiter.take(`anonymous-writes:${contextValue.clientAddress ?? 'unknown'}`, perMinute);
          if (decision.allowed) return;
          const { retryAfterSeconds } = decision;
          throw new GraphQLError(`too many writes from this address without signing in; retry after ${retryAfterSeconds} s`, {
            extensions: {
              code: 'RATE_LIMITED',
              retryAfterSeconds,
              http: { status: 429, headers: new HeaderMap([['retry-after', String(retryAfterSeconds)]]) },
            },
          });
        },
      };
    },
  };
}
