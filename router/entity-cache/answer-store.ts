import type { EntityStore } from './store.ts';

/**
 * Whole answers of public operations (docs/architecture.md §12, "Whole
 * answers"), in this router's memory: what an operation answered when every
 * subgraph fetch of its plan was one the entity cache may keep for everyone.
 * Each answer is filed under every name its fetches were keyed by (the root
 * field's and each entity's, and their types'), and is served only while no
 * event has dropped any of them since its execution started.
 *
 * The same three rules as the entity store (store.ts):
 * - an answer whose execution started before an event that names any of its
 *   entities (or their types, or its root field) is never served: an event
 *   records when it dropped each name, and both keeping and serving compare;
 * - a caller's read uses an answer only if its execution started after that
 *   caller's last answered write;
 * - an answer older than the time to live is not served.
 *
 * Bounded in bytes (two a character of key and answer, plus an overhead per
 * entry and per name), least recently used first out.
 */

/** Bytes counted per entry beyond its key and answer, and per name it is filed under. */
export const ANSWER_OVERHEAD_BYTES = 256;
export const NAME_OVERHEAD_BYTES = 64;
/** Names whose last drop is remembered one by one; past it, every answer started before that moment counts as dropped. */
export const MAX_REMEMBERED_DROPS = 100_000;
/** Writers remembered one by one; past it, every caller counts as having just written. */
export const MAX_REMEMBERED_WRITERS = 100_000;

/** An execution under way whose answer may be kept: when it started, on the store's clock. */
export type AnswerTicket = { readonly started: number };

type Entry = { text: string; bytes: number; storedAt: number; started: number; names: readonly string[]; fetches: FetchCounts };

/** How many root-field and entity fetches an answer was made of (the development `cacheStatus` of a hit). */
export type FetchCounts = { roots: number; entities: number };

export type AnswerStore = {
  /** The kept answer for `key` this caller (`identityKey`) may use, or undefined. */
  get(key: string, caller: string): { data: unknown; fetches: FetchCounts } | undefined;
  /** An execution whose answer may be kept starts now. */
  start(): AnswerTicket;
  /** Keeps an answer made from fetches filed under `names`, unless one of them was dropped since `ticket` started. */
  keep(key: string, ticket: AnswerTicket, data: unknown, names: readonly string[], fetches: FetchCounts): boolean;
  drop(name: string): void;
  clear(): void;
  wrote(caller: string): void;
  readonly bytes: number;
  readonly entries: number;
};

export function answerStore(options: { maxBytes: number; ttlMs: number; now?: () => number; maxDrops?: number }): AnswerStore {
  const now = options.now ?? Date.now;
  const maxDrops = options.maxDrops ?? MAX_REMEMBERED_DROPS;
  /** Insertion order is recency: a hit moves its entry to the end, eviction takes from the front. */
  const entries = new Map<string, Entry>();
  /** When each name was last dropped, on the clock below; names dropped before `dropFloor` are forgotten. */
  const dropped = new Map<string, number>();
  let dropFloor = 0;
  const writers = new Map<string, number>();
  let writerFloor = 0;
  let tick = 0;
  let bytes = 0;

  const remove = (key: string) => {
    const entry = entries.get(key);
    if (!entry) return;
    entries.delete(key);
    bytes -= entry.bytes;
  };
  /** Whether an execution that started at `started` may still stand for names, none dropped since. */
  const current = (started: number, names: readonly string[]) => {
    if (started <= dropFloor) return false;
    for (const name of names) if ((dropped.get(name) ?? 0) >= started) return false;
    return true;
  };

  return {
    get(key, caller) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (now() - entry.storedAt > options.ttlMs || !current(entry.started, entry.names)) {
        remove(key);
        return undefined;
      }
      // Read-your-writes: an answer whose execution started before the caller's last write is not theirs to see.
      if (entry.started <= (writers.get(caller) ?? writerFloor)) return undefined;
      entries.delete(key);
      entries.set(key, entry);
      // Each request parses its own copy: nothing one request does to its answer can reach another's.
      return { data: JSON.parse(entry.text) as unknown, fetches: entry.fetches };
    },
    start: () => ({ started: ++tick }),
    keep(key, ticket, data, names, fetches) {
      if (!current(ticket.started, names)) return false;
      const text = JSON.stringify(data);
      const size = 2 * (key.length + text.length) + ANSWER_OVERHEAD_BYTES + NAME_OVERHEAD_BYTES * names.length;
      if (size > options.maxBytes) return false;
      remove(key);
      entries.set(key, { text, bytes: size, storedAt: now(), started: ticket.started, names, fetches });
      bytes += size;
      for (const oldest of entries.keys()) {
        if (bytes <= options.maxBytes) break;
        remove(oldest);
      }
      return true;
    },
    drop(name) {
      if (dropped.size >= maxDrops && !dropped.has(name)) {
        // Forgetting drops one by one could forget a recent one: instead everything started until now counts as dropped.
        dropFloor = ++tick;
        dropped.clear();
        entries.clear();
        bytes = 0;
        return;
      }
      dropped.set(name, ++tick);
      // The answers filed under the name are found stale and removed when next asked for, or pushed out by newer ones.
    },
    clear() {
      dropFloor = ++tick;
      dropped.clear();
      entries.clear();
      bytes = 0;
    },
    wrote(caller) {
      if (writers.size >= MAX_REMEMBERED_WRITERS && !writers.has(caller)) {
        writerFloor = ++tick;
        writers.clear();
      }
      writers.set(caller, ++tick);
    },
    get bytes() {
      return bytes;
    },
    get entries() {
      return entries.size;
    },
  };
}

/**
 * The entity store, also telling the answer store of every drop and write: an
 * event that drops an entity, a type or a root field drops every whole answer
 * made with it, and a caller's write hides older answers from them, by the
 * same calls and at the same moment.
 */
export function alsoDroppingAnswers(store: EntityStore, answers: AnswerStore): EntityStore {
  return {
    lookup: (caller, slots) => store.lookup(caller, slots),
    evictEntity(entity) {
      answers.drop(entity);
      return store.evictEntity(entity);
    },
    evictType(type) {
      answers.drop(type);
      return store.evictType(type);
    },
    clear() {
      answers.clear();
      return store.clear();
    },
    wrote(caller) {
      answers.wrote(caller);
      return store.wrote(caller);
    },
    close: () => store.close(),
    get bytes() {
      return store.bytes;
    },
    get entries() {
      return store.entries;
    },
  };
}
