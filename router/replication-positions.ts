import type { Redis } from 'ioredis';
import type { Identity } from '../platform/auth/identity.ts';
import { formatGtidPosition, type GtidPosition, newest, parseForwardedPosition } from '../platform/db/gtid-position.ts';
import { REPLICATION_POSITION_HEADER } from '../platform/graphql/replication-position.ts';
import type { Logger } from '../platform/observability/log.ts';
import type { RouterContext } from './context.ts';
import { callerHash } from './merge-keys.ts';
import { routerRedis } from './redis.ts';

/** Callers whose positions a router without Redis remembers individually; past it, every caller is held to one floor (see below). */
export const MAX_REMEMBERED_CALLERS = 100_000;
/** What every key of the positions in Redis starts with; the routers of one deployment share them. */
const REDIS_PREFIX = 'router:replica-position:';

/**
 * Read-your-writes across instances of a subgraph that reads from MariaDB
 * replicas (docs/architecture.md §9). A subgraph answers the primary's GTID
 * position after a caller's write (platform/graphql/replication-position.ts);
 * the router keeps the newest per caller and subgraph for
 * REPLICA_POSITION_TTL_SECONDS and sends it with that caller's later fetches
 * to that subgraph, so whichever instance serves them reads a replica only
 * once it holds the write. Kept in Redis when REDIS_URL is set, so a caller's
 * next request may go through any router; else in this router's memory.
 *
 * A caller is their kind and subject, as the subgraphs' own memory of writers
 * names them, hashed (a key in memory or Redis says nobody's name).
 */
export type ReplicationPositions = {
  /** The positions of the caller's writes still remembered, by subgraph. */
  of(caller: Identity): Promise<ReadonlyMap<string, GtidPosition>>;
  /** A subgraph answered `position` after a write of the caller's: keep the newest of it and what is known. */
  wrote(caller: Identity, subgraph: string, position: GtidPosition): Promise<void>;
  close(): Promise<void>;
};

/** The router's memory of positions: in Redis with REDIS_URL, else its own; none when REPLICA_POSITION_TTL_SECONDS is 0. */
export function replicationPositions(
  config: { redisUrl: string | undefined; replicaPositionTtlSeconds: number },
  log: Logger,
): { kept: ReplicationPositions; log: Logger } | undefined {
  const ttlMs = config.replicaPositionTtlSeconds * 1000;
  if (ttlMs === 0) return undefined;
  const kept = config.redisUrl
    ? redisReplicationPositions(routerRedis(config.redisUrl, 'replica positions', log), ttlMs, log)
    : memoryReplicationPositions(ttlMs);
  return { kept, log };
}

type Kept = { position: GtidPosition; expiresAt: number };

/**
 * In memory, bounded: when it holds `maxCallers` callers it starts over, and
 * every subgraph's floor becomes the newest position it forgot, kept as long
 * as that one would have been. Every caller is held to the floor, so a
 * forgotten caller never reads older than their write; others read the
 * primary a little more for a while.
 */
export function memoryReplicationPositions(ttlMs: number, options: { maxCallers?: number; now?: () => number } = {}): ReplicationPositions {
  const now = options.now ?? Date.now;
  const maxCallers = options.maxCallers ?? MAX_REMEMBERED_CALLERS;
  const callers = new Map<string, Map<string, Kept>>();
  const floors = new Map<string, Kept>();
  const live = (kept: Kept | undefined, at: number) => (kept && kept.expiresAt > at ? kept : undefined);
  const keep = (into: Map<string, Kept>, subgraph: string, kept: Kept, at: number) => {
    const known = live(into.get(subgraph), at);
    into.set(subgraph, {
      position: known ? newest(known.position, kept.position) : kept.position,
      expiresAt: Math.max(known?.expiresAt ?? 0, kept.expiresAt),
    });
  };
  return {
    async of(caller) {
      const at = now();
      const own = callers.get(callerHash(caller));
      const positions = new Map<string, GtidPosition>();
      for (const [subgraph, kept] of [...floors, ...(own ?? [])]) {
        if (!live(kept, at)) continue;
        const known = positions.get(subgraph);
        positions.set(subgraph, known ? newest(known, kept.position) : kept.position);
      }
      return positions;
    },
    async wrote(caller, subgraph, position) {
      const at = now();
      const key = callerHash(caller);
      if (callers.size >= maxCallers && !callers.has(key)) {
        for (const forgotten of callers.values()) for (const [name, kept] of forgotten) if (live(kept, at)) keep(floors, name, kept, at);
        callers.clear();
      }
      const own = callers.get(key) ?? new Map<string, Kept>();
      callers.set(key, own);
      // A caller's earlier write only expires sooner: the newer position covers it.
      own.set(subgraph, { position: newest(live(own.get(subgraph), at)?.position ?? new Map(), position), expiresAt: at + ttlMs });
    },
    async close() {},
  };
}

/**
 * Keeps each domain's newest transaction per subgraph in one hash per caller
 * (field `subgraph|domain`, value `server-sequence`), atomically: two routers
 * recording two writes of one caller at once keep the later, whatever the
 * order they arrive in. The hash expires REPLICA_POSITION_TTL_SECONDS after
 * the caller's last write. It holds at most 6 subgraphs times 32 domains.
 */
const KEEP_NEWEST = `
local key = KEYS[1]
for i = 2, #ARGV, 3 do
  local current = redis.call('HGET', key, ARGV[i])
  local sequence = current and tonumber(string.match(current, '%-(%d+)$'))
  if not sequence or sequence < tonumber(ARGV[i + 1]) then redis.call('HSET', key, ARGV[i], ARGV[i + 2]) end
end
redis.call('PEXPIRE', key, ARGV[1])
return 1
`;

export function redisReplicationPositions(redis: Redis, ttlMs: number, log: Logger): ReplicationPositions {
  return {
    async of(caller) {
      const fields = await redis.hgetall(`${REDIS_PREFIX}${callerHash(caller)}`);
      const texts = new Map<string, string[]>();
      for (const [field, value] of Object.entries(fields)) {
        const [subgraph, domain] = field.split('|');
        if (subgraph && domain) texts.set(subgraph, [...(texts.get(subgraph) ?? []), `${domain}-${value}`]);
      }
      const positions = new Map<string, GtidPosition>();
      for (const [subgraph, gtids] of texts) {
        // Read as strictly as a subgraph's answer: whatever is in Redis, a subgraph gets only a valid position.
        const parsed = parseForwardedPosition(gtids.join(','));
        if (parsed.ok) positions.set(subgraph, parsed.position);
        else log.warn(`replica position of ${subgraph} in Redis ignored: ${parsed.reason}`);
      }
      return positions;
    },
    async wrote(caller, subgraph, position) {
      const args: (string | number)[] = [ttlMs];
      for (const [domain, { server, sequence }] of position) args.push(`${subgraph}|${domain}`, sequence, `${server}-${sequence}`);
      await redis.eval(KEEP_NEWEST, 1, `${REDIS_PREFIX}${callerHash(caller)}`, ...args);
    },
    async close() {
      redis.disconnect();
    },
  };
}

/**
 * Sets the position a fetch to `subgraph` carries: the caller's remembered
 * one there, looked up once per request. Never a client's: the header is
 * removed first, whatever put it there.
 */
export async function forwardPosition(
  positions: ReplicationPositions,
  context: RouterContext,
  subgraph: string,
  headers: { set(name: string, value: string): void; delete(name: string): void },
  log: Logger,
): Promise<void> {
  headers.delete(REPLICATION_POSITION_HEADER);
  context.replicaPositions ??= positions.of(context.identity).catch((error: unknown) => {
    // Without them the subgraph still holds the caller to what its own instance saw them write.
    log.warn(`replica positions unknown for this request: ${(error as Error).message}`);
    return new Map<string, GtidPosition>();
  });
  const position = (await context.replicaPositions).get(subgraph);
  if (position && position.size > 0) headers.set(REPLICATION_POSITION_HEADER, formatGtidPosition(position));
}

/**
 * A subgraph's answer named the position of the caller's write: kept for
 * their later fetches (this request's too) before the answer goes on. A
 * malformed one is ignored and logged; a failure to keep it is logged, since
 * the write itself succeeded.
 */
export async function rememberPosition(
  positions: ReplicationPositions,
  context: RouterContext,
  subgraph: string,
  answered: string | null | undefined,
  log: Logger,
): Promise<void> {
  if (answered === null || answered === undefined) return;
  const parsed = parseForwardedPosition(answered);
  if (!parsed.ok) {
    log.warn(`${subgraph} answered a replica position the router ignores: ${parsed.reason}`);
    return;
  }
  if (context.replicaPositions) {
    const known = await context.replicaPositions;
    const merged = new Map(known);
    merged.set(subgraph, newest(known.get(subgraph) ?? new Map(), parsed.position));
    context.replicaPositions = Promise.resolve(merged);
  }
  try {
    await positions.wrote(context.identity, subgraph, parsed.position);
  } catch (error) {
    log.warn(`replica position of ${subgraph} not kept: ${(error as Error).message}`);
  }
}
