import type { Logger } from '../../platform/observability/log.ts';
import { routerRedis } from '../redis.ts';

/**
 * Token buckets: a bucket holds up to `perMinute` tokens and refills at
 * `perMinute` tokens a minute; each request takes one. A full bucket allows
 * a burst of a minute's worth, then a steady rate. A request that finds the
 * bucket empty learns how long until a token is back.
 */
export type Decision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export type RateLimiter = {
  take(bucket: string, perMinute: number): Promise<Decision>;
  close(): Promise<void>;
};

const retryAfter = (missingTokens: number, perMinute: number) => Math.max(1, Math.ceil((missingTokens * 60) / perMinute));

/** One router's own buckets: right for one instance, and for the embedded default. */
export function memoryRateLimiter(now: () => number = Date.now): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  let lastSweep = now();
  return {
    async take(bucket, perMinute) {
      const at = now();
      // Forget buckets that have refilled completely: they hold nothing a new bucket would not.
      if (at - lastSweep > 60_000) {
        for (const [key, state] of buckets) if (at - state.at > 60_000) buckets.delete(key);
        lastSweep = at;
      }
      const state = buckets.get(bucket) ?? { tokens: perMinute, at };
      const tokens = Math.min(perMinute, state.tokens + ((at - state.at) * perMinute) / 60_000);
      if (tokens >= 1) {
        buckets.set(bucket, { tokens: tokens - 1, at });
        return { allowed: true };
      }
      buckets.set(bucket, { tokens, at });
      return { allowed: false, retryAfterSeconds: retryAfter(1 - tokens, perMinute) };
    },
    async close() {},
  };
}

/**
 * The same bucket in Redis, updated by one script so concurrent requests at
 * any number of routers take tokens from one count. Redis's own clock is the
 * time, so routers whose clocks disagree still agree on the bucket.
 */
const TAKE = `
local capacity = tonumber(ARGV[1])
local per_ms = capacity / 60000
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or capacity
local at = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - at) * per_ms)
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], 61000)
return {allowed, tostring(tokens)}
`;

export function redisRateLimiter(url: string, log: Logger, prefix = 'rate:'): RateLimiter {
  // No offline queue: while Redis is away a request must not wait for it (see take()).
  const redis = routerRedis(url, 'rate limits', log);
  return {
    async take(bucket, perMinute) {
      try {
        const [allowed, tokens] = (await redis.eval(TAKE, 1, `${prefix}${bucket}`, perMinute)) as [number, string];
        return allowed === 1 ? { allowed: true } : { allowed: false, retryAfterSeconds: retryAfter(1 - Number(tokens), perMinute) };
      } catch (error) {
        // Limits protect the service; an outage of the counter must not take the service down with it.
        log.warn(`rate limit not applied: ${(error as Error).message}`);
        return { allowed: true };
      }
    },
    async close() {
      redis.disconnect();
    },
  };
}
