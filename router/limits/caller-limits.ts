import type { Identity } from '../../platform/auth/identity.ts';
import type { Config } from '../../platform/config/config.ts';
import type { Decision, RateLimiter } from './rate-limit.ts';

/**
 * Which bucket a caller draws from: one per partner API key and one per
 * member. Staff and services are not limited (they are our own people and
 * processes); anonymous browsing is left to the edge proxy, which sees the
 * client's address.
 */
export function callerLimits(limiter: RateLimiter, config: Pick<Config, 'partnerRateLimitPerMinute' | 'memberRateLimitPerMinute'>) {
  return (identity: Identity): Promise<Decision> => {
    if (identity.kind === 'partner' && config.partnerRateLimitPerMinute > 0) {
      return limiter.take(`api-key:${identity.subject}`, config.partnerRateLimitPerMinute);
    }
    if (identity.kind === 'member' && config.memberRateLimitPerMinute > 0) {
      return limiter.take(`member:${identity.subject}`, config.memberRateLimitPerMinute);
    }
    return Promise.resolve({ allowed: true });
  };
}
