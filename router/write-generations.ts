import type { ApolloServerPlugin } from '@apollo/server';
import type { Redis } from 'ioredis';
import type { Identity } from '../platform/auth/identity.ts';
import type { Logger } from '../platform/observability/log.ts';
import type { RouterContext } from './context.ts';
import { identityKey } from './identity-signing.ts';
import { callerHash } from './merge-keys.ts';
import { routerRedis } from './redis.ts';

/** Callers whose last write the router remembers individually; past it, every caller starts from one floor (see below). */
export const MAX_REMEMBERED_WRITERS = 100_000;
/** What every key of the shared write counts starts with; the routers of one deployment share them. */
const REDIS_PREFIX = 'router:writes:';

/**
 * Read-your-writes under merging. Every merge key (identical requests,
 * operations and subgraph fetches) holds the caller's write generation as it
 * was when the read arrived, and a caller's generation moves on each time a
 * mutation of theirs is answered. So a read a caller sends after their own
 * write has completed never joins a read that began before it: the two keys
 * differ, and the later read runs on its own, after the write.
 *
 * Generations come from one counter that only grows, so a caller's new one is
 * larger than any generation a read of theirs started with. The memory is
 * bounded: when it holds MAX_REMEMBERED_WRITERS callers it starts over, and
 * callers it no longer knows get the counter's value at that moment (the
 * floor), which is at least the generation of any write it forgot. A
 * forgotten caller's reads merge less for a moment; none ever sees an answer
 * older than their own write.
 *
 * With several routers (REDIS_URL), a caller's write may be answered by
 * another router than their next read: sharedWriteGenerations adds the
 * caller's count of writes kept in Redis.
 */
export type WriteGenerations = {
  /** The caller's generation now: part of the merge key of a read that arrives now. */
  of(identity: Identity): string | Promise<string>;
  /** A mutation of the caller's was answered: their later reads must not join earlier ones. */
  wrote(identity: Identity): void | Promise<void>;
  close(): Promise<void>;
};

export function writeGenerations(maxWriters = MAX_REMEMBERED_WRITERS): WriteGenerations {
  const generations = new Map<string, number>();
  let latest = 0;
  let floor = 0;
  return {
    of: (identity) => String(generations.get(identityKey(identity)) ?? floor),
    wrote(identity) {
      const key = identityKey(identity);
      if (generations.size >= maxWriters && !generations.has(key)) {
        floor = latest;
        generations.clear();
      }
      latest += 1;
      generations.set(key, latest);
    },
    async close() {},
  };
}

/**
 * This router's generations plus the caller's count of answered writes in
 * Redis, which every router adds to when it answers one of their mutations
 * (before the answer leaves) and reads as each of their requests arrives: one
 * `GET` a request. A read that arrives after the caller's write at any router
 * sees a larger count than any read that began before it, so it joins none of
 * them.
 *
 * Anonymous callers are not counted there: "anonymous" is everyone without
 * a credential, not one person whose own write a later read must see, and
 * public pages are most of the traffic, so they are spared the round trip
 * and keep merging across strangers' sign-ins (this router still moves the
 * anonymous generation on for writes it answers itself).
 *
 * A count lives `ttlMs` after the caller's last write, longer than any read
 * may run (twice the request timeout), so when it lapses no read that began
 * before that write is still in flight to be joined. When Redis cannot be
 * read, the request's generation is one of its own, so it joins nothing
 * (merging pauses, read-your-writes holds); a count that cannot be raised is
 * logged, and the write stands.
 */
export function sharedWriteGenerations(local: WriteGenerations, redis: Redis, options: { ttlMs: number; log: Logger }): WriteGenerations {
  const keyOf = (identity: Identity) => `${REDIS_PREFIX}${callerHash(identity)}`;
  let unshared = 0;
  let unreadable = false;
  return {
    async of(identity) {
      const own = await local.of(identity);
      if (identity.kind === 'anonymous') return own;
      try {
        const count = await redis.get(keyOf(identity));
        unreadable = false;
        return `${own}:${count ?? '0'}`;
      } catch (error) {
        if (!unreadable)
          options.log.warn(`write counts in Redis unreadable (${(error as Error).message}); requests are not merged meanwhile`);
        unreadable = true;
        unshared += 1;
        return `${own}:unshared-${unshared}`;
      }
    },
    async wrote(identity) {
      await local.wrote(identity);
      if (identity.kind === 'anonymous') return;
      const key = keyOf(identity);
      try {
        await redis.multi().incr(key).pexpire(key, options.ttlMs).exec();
      } catch (error) {
        options.log.warn(
          `a write not counted in Redis (${(error as Error).message}): another router may merge this caller's next read with an earlier one`,
        );
      }
    },
    async close() {
      await local.close();
      redis.disconnect();
    },
  };
}

/** The router's write generations: shared through Redis with REDIS_URL (several routers), else its own. */
export function routerWriteGenerations(config: { redisUrl: string | undefined; requestTimeoutMs: number }, log: Logger): WriteGenerations {
  if (!config.redisUrl) return writeGenerations();
  return sharedWriteGenerations(writeGenerations(), routerRedis(config.redisUrl, 'write counts', log), {
    ttlMs: 2 * config.requestTimeoutMs,
    log,
  });
}

/** Moves the caller's generation on when a mutation of theirs is answered (before the answer leaves, so the caller's next read sees it). */
export function writeGenerationsPlugin(writes: WriteGenerations): ApolloServerPlugin<RouterContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ operation, contextValue }) {
          if (operation?.operation === 'mutation') await writes.wrote(contextValue.identity);
        },
      };
    },
  };
}
