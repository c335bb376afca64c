import { randomUUID } from 'node:crypto';
import type { Logger } from '../../platform/observability/log.ts';
import { eventually } from '../../platform/testing/eventually.ts';
import { memoryRateLimiter, type RateLimiter, redisRateLimiter } from './rate-limit.ts';

const quiet: Logger = { info: () => {}, warn: () => {}, error: () => {} };

describe('a memory token bucket', () => {
  it('allows a minute’s worth at once, then refuses with the seconds until a token is back', async () => {
    let now = 1_000_000;
    const limiter = memoryRateLimiter(() => now);
    const decisions = [];
    for (let i = 0; i < 6; i++) decisions.push(await limiter.take('member:a', 5));
    expect(decisions.filter((decision) => decision.allowed)).toHaveLength(5);
    // 5 a minute: a token every 12 seconds.
    expect(decisions[5]).toEqual({ allowed: false, retryAfterSeconds: 12 });
    now += 12_000;
    expect(await limiter.take('member:a', 5)).toEqual({ allowed: true });
    expect(await limiter.take('member:a', 5)).toEqual({ allowed: false, retryAfterSeconds: 12 });
  });

  it('keeps one bucket per caller', async () => {
    const limiter = memoryRateLimiter(() => 0);
    expect(await limiter.take('api-key:1', 1)).toEqual({ allowed: true });
    expect((await limiter.take('api-key:1', 1)).allowed).toBe(false);
    expect(await limiter.take('api-key:2', 1)).toEqual({ allowed: true });
  });
});

const redisUrl = process.env.REDIS_URL;
const describeRedis = redisUrl ? describe : describe.skip;

describe('rate limits on Redis', () => {
  if (!redisUrl) it.skip('on Redis: not run, because REDIS_URL is not set', () => undefined);

  it('lets requests through, and says so in the log, when Redis cannot be reached', async () => {
    const warnings: string[] = [];
    const unreachable = redisRateLimiter('redis://127.0.0.1:1', { ...quiet, warn: (message) => warnings.push(message) });
    try {
      expect(await unreachable.take(`member:${randomUUID()}`, 1)).toEqual({ allowed: true });
      expect(warnings.some((warning) => warning.startsWith('rate limit not applied'))).toBe(true);
    } finally {
      await unreachable.close();
    }
  });
});

describeRedis('a Redis token bucket shared by two routers', () => {
  let routers: RateLimiter[];
  beforeAll(() => {
    routers = [redisRateLimiter(redisUrl!, quiet), redisRateLimiter(redisUrl!, quiet)];
  });
  afterAll(async () => {
    for (const router of routers) await router.close();
  });

  it('never lets concurrent requests at two routers take more than the bucket holds', async () => {
    const bucket = `api-key:${randomUUID()}`;
    // Wait until both connections are up: a limiter lets requests through while Redis is away, so only
    // a refusal of a bucket's second token shows that its count is kept.
    for (const [i, router] of routers.entries()) {
      await eventually(
        async () => {
          const warm = `warm:${randomUUID()}`;
          await router.take(warm, 1);
          return !(await router.take(warm, 1)).allowed;
        },
        `router ${i + 1} reaches Redis`,
      );
    }
    const decisions = await Promise.all(Array.from({ length: 40 }, (_, i) => routers[i % 2]!.take(bucket, 10)));
    const allowed = decisions.filter((decision) => decision.allowed).length;
    // Refill during the burst may add a token at most (10 a minute is one every 6 seconds).
    expect(allowed).toBeGreaterThanOrEqual(10);
    expect(allowed).toBeLessThanOrEqual(11);
    const refused = decisions.find((decision) => !decision.allowed);
    expect(refused).toEqual({ allowed: false, retryAfterSeconds: expect.any(Number) });
    expect(refused && !refused.allowed && refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(refused && !refused.allowed && refused.retryAfterSeconds).toBeLessThanOrEqual(6);
  });
});
