import type { Identity } from '../../platform/auth/identity.ts';
import type { Config } from '../../platform/config/config.ts';
import type { Decision, RateLimiter } from './rate-limit.ts';

/**
 * Which bucket a caller draws from: one per partner API key (sized by the
 * key's own `requestsPerMinute` when it has one, else by
 * PARTNER_RATE_LIMIT_PER_MINUTE) and one per member. Staff and services are
 * not limited (they are our own people and processes); anonymous browsing is
 * left to the edge proxy, which sees the client's address.
 */
export function callerLimits(limiter: RateLimiter, config: Pick<Config, 'partnerRateLimitPerMinute' | 'memberRateLimitPerMinute'>) {
  return (identity: Identity): Promise<Decision> => {
    const partnerRate = identity.keyLimits?.requestsPerMinute ?? config.partnerRateLimitPerMinute;
    if (identity.kind === 'partner' && partnerRate > 0) {
      return limiter.take(`api-key:${identity.subject}`, partnerRate);
    }
    if (identity.kind === 'member' && config.memberRateLimitPerMinute > 0) {
      return limiter.take(`member:${identity.subject}`, config.memberRateLimitPerMinute);
    }
    return Promise.resolve({ allowed: true });
  };
}
