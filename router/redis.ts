import { Redis } from 'ioredis';
import type { Logger } from '../platform/observability/log.ts';

/**
 * A Redis connection of the router's (rate limits, persisted queries, the
 * entity cache), all made the same way: no offline queue and one retry, so a
 * request never waits for a Redis that is away; each user decides what an
 * outage means for it (let the request through, treat it as a miss). The
 * client reconnects by itself; its errors are logged as warnings, naming
 * what the connection is for.
 */
export function routerRedis(url: string, purpose: string, log: Logger): Redis {
  const redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  redis.on('error', (error) => log.warn(`Redis for ${purpose}: ${error.message}`));
  return redis;
}
