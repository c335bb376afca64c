import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '../../platform/observability/log.ts';
import { hashKey } from '../merge-keys.ts';
import type { EntityStore, Lookup, StoreSlot } from './store.ts';

/**
 * The entity cache in Redis, shared by every router (docs/architecture.md
 * §12), keeping the memory store's three rules with generations instead of
 * indexes:
 *
 * - Every entity, every type and the cache as a whole (the epoch) has a
 *   generation: a random token in Redis. An answer's key holds the hash of
 *   what it depends on plus the three generations as they were when its
 *   fetch started. An event gives the entity (or type) a new token, so its
 *   answers' keys are never asked for again: eviction is one SET, exact, with
 *   no scan and no index to keep true, and it holds for every router at once.
 * - A fetch's answers are kept only if the generations are still the ones
 *   its lookup read (checked in the same script that keeps them), so an
 *   answer read before a change cannot be stored after the change's event.
 * - Tokens are random, never counters: a generation that Redis loses
 *   (maxmemory eviction, a restart) is replaced by a new token, so the
 *   answers kept under the lost one are unreachable, never served again.
 *
 * Read-your-writes across routers: a caller's answered write leaves a mark
 * in Redis (Redis's clock, in microseconds), and an answer is served to that
 * caller only if its fetch started after the mark, whichever router the
 * caller's next read reaches.
 *
 * Every key lives at most the time to live (refreshed while answers are kept
 * under a generation); answers larger than `maxEntryBytes` are not kept. How
 * much memory Redis may use and what it evicts first are the Redis
 * operator's settings (`maxmemory`, `maxmemory-policy`). If Redis cannot be
 * reached, every lookup is a miss; an eviction or write mark that could not
 * be made drops the whole shared cache (a new epoch) before anything is
 * served from it again.
 */
export type RedisStoreOptions = { ttlMs: number; maxEntryBytes: number; log: Logger; prefix?: string };

/** Keys: `<prefix>epoch`, `<prefix>g:<hash>` (generations), `<prefix>w:<hash>` (write marks), `<prefix>e:<hash>:<epoch>:<entity>:<type>` (answers). */
export const DEFAULT_PREFIX = 'router:entity:';

/**
 * KEYS: the epoch, the caller's write mark, then per slot its entity's and type's generations.
 * ARGV: the time to live (ms), a fresh token for generations not yet set, the prefix, then per slot the answer's hash.
 * Returns Redis's time (µs), the write mark, then per slot the answer's key and its value (or nil).
 */
const LOOKUP = `
local ttl = ARGV[1]
local function generation(key)
  local token = redis.call('GET', key)
  if not token then
    token = ARGV[2]
    redis.call('SET', key, token, 'PX', ttl)
  end
  return token
end
local time = redis.call('TIME')
local result = { time[1] .. string.format('%06d', tonumber(time[2])), redis.call('GET', KEYS[2]) or '0' }
local epoch = generation(KEYS[1])
for slot = 1, (#KEYS - 2) / 2 do
  local entity = generation(KEYS[1 + slot * 2])
  local type = generation(KEYS[2 + slot * 2])
  local key = ARGV[3] .. 'e:' .. ARGV[3 + slot] .. ':' .. epoch .. ':' .. entity .. ':' .. type
  result[#result + 1] = key
  result[#result + 1] = redis.call('GET', key) or false
end
return result
`;

/**
 * KEYS: the epoch, then per answer its entity's and type's generations and its key.
 * ARGV: the time to live (ms), then per answer the epoch, entity and type generations its key was made with, and its value.
 * Keeps each answer whose generations are unchanged; returns how many.
 */
const KEEP = `
local ttl = ARGV[1]
local epoch = redis.call('GET', KEYS[1])
local kept = 0
for answer = 0, (#KEYS - 1) / 3 - 1 do
  local k = 2 + answer * 3
  local a = 2 + answer * 4
  if epoch == ARGV[a] and redis.call('GET', KEYS[k]) == ARGV[a + 1] and redis.call('GET', KEYS[k + 1]) == ARGV[a + 2] then
    redis.call('SET', KEYS[k + 2], ARGV[a + 3], 'PX', ttl)
    redis.call('PEXPIRE', KEYS[k], ttl)
    redis.call('PEXPIRE', KEYS[k + 1], ttl)
    kept = kept + 1
  end
end
if kept > 0 then redis.call('PEXPIRE', KEYS[1], ttl) end
return kept
`;

/** KEYS: the caller's write mark. ARGV: the time to live (ms). Marks the caller as having written now, by Redis's clock. */
const MARK = `
local time = redis.call('TIME')
redis.call('SET', KEYS[1], time[1] .. string.format('%06d', tonumber(time[2])), 'PX', ARGV[1])
`;

/** The generations an answer's key was made with: `<prefix>e:<hash>:<epoch>:<entity>:<type>`. */
const generationsOf = (key: string) => key.split(':').slice(-3) as [string, string, string];

const freshToken = () => randomBytes(12).toString('base64url');

export function redisEntityStore(redis: Redis, options: RedisStoreOptions): EntityStore {
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const ttl = String(options.ttlMs);
  const epochKey = `${prefix}epoch`;
  const generationKey = (name: string) => `${prefix}g:${hashKey(name)}`;
  const markKey = (caller: string) => `${prefix}w:${hashKey(caller)}`;
  const { log } = options;
  /** An eviction or mark Redis did not take: nothing is served until the whole cache was dropped. */
  let mustClear = false;

  const nothingKept = (slots: readonly StoreSlot[]): Lookup => ({
    texts: slots.map(() => undefined),
    keep: async () => undefined,
    end: () => undefined,
  });
  const newGeneration = async (key: string, what: string) => {
    try {
      await redis.set(key, freshToken(), 'PX', options.ttlMs);
      return 1;
    } catch (error) {
      mustClear = true;
      log.warn(`entity cache: ${what} not dropped in Redis (${(error as Error).message}); the shared cache is dropped once Redis answers`);
      return 0;
    }
  };
  const clear = async () => {
    await redis.set(epochKey, freshToken(), 'PX', options.ttlMs);
    mustClear = false;
  };

  return {
    async lookup(caller, slots) {
      try {
        if (mustClear) await clear();
        const keys = [
          epochKey,
          markKey(caller),
          ...slots.flatMap((slot) => [generationKey(slot.ref.entity), generationKey(slot.ref.type)]),
        ];
        const result = (await redis.eval(LOOKUP, keys.length, ...keys, ttl, freshToken(), prefix, ...slots.map((slot) => slot.key))) as (
          | string
          | null
        )[];
        const started = Number(result[0]);
        const lastWrite = Number(result[1]);
        const answerKeys = slots.map((_, index) => result[2 + index * 2] as string);
        const texts = slots.map((_, index) => {
          const value = result[3 + index * 2];
          if (typeof value !== 'string') return undefined;
          const cut = value.indexOf('\n');
          // Fetched before the caller's last write: not theirs to see.
          return Number(value.slice(0, cut)) > lastWrite ? value.slice(cut + 1) : undefined;
        });
        return {
          texts,
          async keep(answers) {
            const kept = answers.filter(({ text }) => Buffer.byteLength(text) <= options.maxEntryBytes);
            if (kept.length === 0) return;
            const keys = [epochKey];
            const values: string[] = [ttl];
            for (const { index, text } of kept) {
              const slot = slots[index]!;
              const key = answerKeys[index]!;
              keys.push(generationKey(slot.ref.entity), generationKey(slot.ref.type), key);
              values.push(...generationsOf(key), `${started}\n${text}`);
            }
            try {
              await redis.eval(KEEP, keys.length, ...keys, ...values);
            } catch (error) {
              log.warn(`entity cache: answers not kept in Redis: ${(error as Error).message}`);
            }
          },
          end: () => undefined,
        };
      } catch (error) {
        log.warn(`entity cache: Redis not read, answers fetched: ${(error as Error).message}`);
        return nothingKept(slots);
      }
    },
    evictEntity: (entity) => newGeneration(generationKey(entity), 'an entity'),
    evictType: (type) => newGeneration(generationKey(type), 'a type'),
    async clear() {
      try {
        await clear();
      } catch (error) {
        mustClear = true;
        log.warn(`entity cache: not dropped in Redis yet (${(error as Error).message}); dropped once Redis answers`);
      }
    },
    async wrote(caller) {
      try {
        await redis.eval(MARK, 1, markKey(caller), ttl);
      } catch (error) {
        // Without the mark the writer could read an answer fetched before their write.
        mustClear = true;
        log.warn(`entity cache: a write not marked in Redis (${(error as Error).message}); the shared cache is dropped once Redis answers`);
      }
    },
    async close() {
      redis.disconnect();
    },
  };
}
