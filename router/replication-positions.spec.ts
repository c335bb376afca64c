import { Redis } from 'ioredis';
import type { Identity } from '../platform/auth/identity.ts';
import { formatGtidPosition, type GtidPosition, parseGtidPosition } from '../platform/db/gtid-position.ts';
import { REPLICATION_POSITION_HEADER } from '../platform/graphql/replication-position.ts';
import { createLogger } from '../platform/observability/log.ts';
import { closedPort } from '../platform/testing/closed-port.ts';
import { newId } from '../platform/values/ids.ts';
import type { RouterContext } from './context.ts';
import {
  forwardPosition,
  memoryReplicationPositions,
  type ReplicationPositions,
  redisReplicationPositions,
  rememberPosition,
  replicationPositions,
} from './replication-positions.ts';

/**
 * The router's memory of callers' write positions (replication-positions.ts):
 * per caller and subgraph the newest position, for a bounded time, in bounded
 * memory or in Redis shared by every router.
 */
const member = (subject: string): Identity => ({ kind: 'member', subject, scopes: [] });
const at = (text: string) => parseGtidPosition(text);
const shown = (positions: ReadonlyMap<string, GtidPosition>) =>
  Object.fromEntries([...positions].map(([subgraph, position]) => [subgraph, formatGtidPosition(position)]));

describe('a router’s own memory of write positions', () => {
  it('is off with REPLICA_POSITION_TTL_SECONDS=0', () => {
    const log = createLogger('router', { write: () => undefined });
    expect(replicationPositions({ redisUrl: undefined, replicaPositionTtlSeconds: 0 }, log)).toBeUndefined();
    expect(replicationPositions({ redisUrl: undefined, replicaPositionTtlSeconds: 1 }, log)).toBeDefined();
  });

  let clock = 1_000_000;
  const now = () => clock;

  it('keeps the newest position per caller and subgraph until it expires', async () => {
    const positions = memoryReplicationPositions(60_000, { now });
    await positions.wrote(member('alice'), 'orders', at('0-1-10'));
    await positions.wrote(member('alice'), 'orders', at('0-1-7,1-2-3'));
    await positions.wrote(member('alice'), 'members', at('0-1-12'));
    expect(shown(await positions.of(member('alice')))).toEqual({ orders: '0-1-10,1-2-3', members: '0-1-12' });
    // The caller's scopes do not make another caller: the subgraphs name writers by kind and subject too.
    expect(shown(await positions.of({ ...member('alice'), scopes: ['x'] }))).toEqual({ orders: '0-1-10,1-2-3', members: '0-1-12' });
    expect(shown(await positions.of(member('bob')))).toEqual({});
    clock += 59_999;
    expect(shown(await positions.of(member('alice')))).toEqual({ orders: '0-1-10,1-2-3', members: '0-1-12' });
    clock += 1;
    expect(shown(await positions.of(member('alice')))).toEqual({});
  });

  it('holds every caller to the newest position it forgot when full, for as long as that was kept', async () => {
    const positions = memoryReplicationPositions(60_000, { now, maxCallers: 2 });
    await positions.wrote(member('a'), 'orders', at('0-1-5'));
    clock += 10_000;
    await positions.wrote(member('b'), 'orders', at('0-1-9'));
    // A third caller starts the memory over: a and b are forgotten, and everyone is held to 0-1-9.
    await positions.wrote(member('c'), 'members', at('0-1-3'));
    expect(shown(await positions.of(member('a')))).toEqual({ orders: '0-1-9' });
    expect(shown(await positions.of(member('someone')))).toEqual({ orders: '0-1-9' });
    expect(shown(await positions.of(member('c')))).toEqual({ orders: '0-1-9', members: '0-1-3' });
    // Until b's write would have expired.
    clock += 60_000;
    expect(shown(await positions.of(member('a')))).toEqual({});
  });
});

const redisUrl = process.env.REDIS_URL;
const describeOnRedis = redisUrl ? describe : describe.skip;
if (!redisUrl) console.warn('replication-positions.spec.ts: the Redis cases are skipped (REDIS_URL is not set)');

describeOnRedis('write positions in Redis, shared by routers', () => {
  const log = createLogger('router', { write: () => undefined });
  const connections: Redis[] = [];
  const router = (ttlMs = 60_000): ReplicationPositions => {
    const redis = new Redis(redisUrl!);
    connections.push(redis);
    return redisReplicationPositions(redis, ttlMs, log);
  };
  afterAll(() => {
    for (const redis of connections) redis.disconnect();
  });

  it('lets every router see the newest position of a caller’s writes, whatever order two routers record them in', async () => {
    const [one, two] = [router(), router()];
    const caller = member(newId());
    await Promise.all([
      one.wrote(caller, 'orders', at('0-1-20,1-3-4')),
      two.wrote(caller, 'orders', at('0-1-15,1-3-9')),
      two.wrote(caller, 'members', at('0-1-2')),
    ]);
    // Recorded late, an older write does not go back.
    await one.wrote(caller, 'orders', at('0-1-11'));
    for (const positions of [one, two]) expect(shown(await positions.of(caller))).toEqual({ orders: '0-1-20,1-3-9', members: '0-1-2' });
    expect(shown(await one.of(member(newId())))).toEqual({});
  });

  it('expires a caller’s positions after the time to live of their last write', async () => {
    const positions = router(200);
    const caller = member(newId());
    await positions.wrote(caller, 'orders', at('0-1-1'));
    expect(shown(await positions.of(caller))).toEqual({ orders: '0-1-1' });
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(shown(await positions.of(caller))).toEqual({});
  });
});

describe('write positions when Redis is away', () => {
  it('answers the caller all the same: their fetches carry none, their write is logged as not kept', async () => {
    const port = await closedPort();
    const warnings: string[] = [];
    const log = createLogger('router', { write: (line) => warnings.push(line) });
    const positions = replicationPositions({ redisUrl: `redis://127.0.0.1:${port}`, replicaPositionTtlSeconds: 60 }, log)!;
    try {
      const context: RouterContext = { requestId: 'r1', identity: member('alice') };
      const headers = new Map<string, string>();
      await forwardPosition(
        positions.kept,
        context,
        'orders',
        { set: (name, value) => headers.set(name, value), delete: (name) => headers.delete(name) },
        log,
      );
      expect([...headers]).toEqual([]);
      await rememberPosition(positions.kept, context, 'orders', '0-1-5', log);
      // This request's later fetches still carry the write's position: it is known here without Redis.
      await forwardPosition(
        positions.kept,
        context,
        'orders',
        { set: (name, value) => headers.set(name, value), delete: (name) => headers.delete(name) },
        log,
      );
      expect([...headers]).toEqual([[REPLICATION_POSITION_HEADER, '0-1-5']]);
      expect(warnings.join('\n')).toMatch(/replica positions unknown for this request/);
      expect(warnings.join('\n')).toMatch(/replica position of orders not kept/);
    } finally {
      await positions.kept.close();
    }
  });
});
