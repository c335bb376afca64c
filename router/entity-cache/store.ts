/**
 * The entity cache's memory (docs/architecture.md §12): answers by key, least
 * recently used first out once their bytes pass the bound, each filed under
 * the entity it is about so an event drops exactly those.
 *
 * Three rules keep it from ever serving an answer older than what it may:
 * - an event drops every answer it names, and marks every fetch in flight for
 *   a named entity as tainted: its answer, which may predate the change, is
 *   handed to its caller but not kept (else an answer read before a change
 *   and stored after its event would stay forever);
 * - a caller's read uses an answer only if its fetch started after that
 *   caller's last answered write (`wrote`), so a writer sees their own write
 *   before its event arrives;
 * - an answer older than the time to live is not served (a lost event's
 *   damage is bounded by it).
 */

/** Bytes counted per entry beyond its key and answer: the map entries, index sets and record that hold it. */
export const ENTRY_OVERHEAD_BYTES = 256;
/** Writers remembered one by one; past it, every caller's last write counts as "now" (see `wrote`). */
export const MAX_REMEMBERED_WRITERS = 100_000;

/** What an answer is about: its entity (`subgraph\ntype\nkey`) and its type (`subgraph\ntype`), for invalidation. */
export type EntityRef = { entity: string; type: string };

/** A fetch in flight for some entities: its answers are kept only if no event named them meanwhile. */
type FetchTicket = { readonly started: number; readonly refs: readonly EntityRef[]; tainted: boolean };

type Entry = { text: string; bytes: number; storedAt: number; started: number; ref: EntityRef };

/** Where one answer is kept: its key (a hash of everything the answer depends on) and what it is about. */
export type StoreSlot = { key: string; ref: EntityRef };

/** What a lookup found, and the way to keep what the caller then fetches for the rest. */
export type Lookup = {
  /** Per slot, the kept answer this caller may use, or undefined. */
  readonly texts: readonly (string | undefined)[];
  /** Keeps fetched answers (by slot index), unless an event named their entity (or type) since the lookup. */
  keep(answers: readonly { index: number; text: string }[]): Promise<void>;
  /** The fetch is over, kept or not. */
  end(): void;
};

/**
 * The entity cache's storage, in this router's memory (below) or in Redis,
 * shared by every router (redis-store.ts). Either way it honours the three
 * rules above.
 */
export type EntityStore = {
  /** The answers kept under these slots that a caller (`identityKey`) may see; the lookup is the start of the fetch of the rest. */
  lookup(caller: string, slots: readonly StoreSlot[]): Promise<Lookup>;
  /** Drops the answers about one entity; returns how many (in Redis: 1, the entity's generation moved). */
  evictEntity(entity: string): Promise<number>;
  /** Drops every answer of one type; returns how many (in Redis: 1). */
  evictType(type: string): Promise<number>;
  /** Drops everything (the bus lost events, a new supergraph). */
  clear(): Promise<void>;
  /** A caller's write was answered: their later reads must not use answers fetched before it. */
  wrote(caller: string): Promise<void>;
  close(): Promise<void>;
  /** What it holds, where it knows (memory; Redis reports its own memory). */
  readonly bytes?: number;
  readonly entries?: number;
};

/** The store in this router's memory, bounded in bytes. */
export type MemoryEntityStore = EntityStore & { readonly bytes: number; readonly entries: number };

export function entityStore(options: { maxBytes: number; ttlMs: number; now?: () => number; maxWriters?: number }): MemoryEntityStore {
  const now = options.now ?? Date.now;
  const maxWriters = options.maxWriters ?? MAX_REMEMBERED_WRITERS;
  /** Insertion order is recency: a hit moves its entry to the end, eviction takes from the front. */
  const entries = new Map<string, Entry>();
  const byEntity = new Map<string, Set<string>>();
  const byType = new Map<string, Set<string>>();
  const inFlight = new Set<FetchTicket>();
  const writers = new Map<string, number>();
  let writerFloor = 0;
  /** One clock for fetch starts and writes, so "started after the write" is a comparison. */
  let tick = 0;
  let bytes = 0;

  const file = (index: Map<string, Set<string>>, name: string, key: string) => {
    const keys = index.get(name) ?? new Set<string>();
    index.set(name, keys);
    keys.add(key);
  };
  const unfile = (index: Map<string, Set<string>>, name: string, key: string) => {
    const keys = index.get(name);
    keys?.delete(key);
    if (keys?.size === 0) index.delete(name);
  };
  const remove = (key: string) => {
    const entry = entries.get(key);
    if (!entry) return false;
    entries.delete(key);
    bytes -= entry.bytes;
    unfile(byEntity, entry.ref.entity, key);
    unfile(byType, entry.ref.type, key);
    return true;
  };
  const taint = (matches: (ref: EntityRef) => boolean) => {
    for (const ticket of inFlight) if (!ticket.tainted && ticket.refs.some(matches)) ticket.tainted = true;
  };

  const get = (key: string, lastWrite: number) => {
    const entry = entries.get(key);
    if (!entry) return undefined;
    if (now() - entry.storedAt > options.ttlMs) {
      remove(key);
      return undefined;
    }
    if (entry.started <= lastWrite) return undefined;
    entries.delete(key);
    entries.set(key, entry);
    return entry.text;
  };
  const set = (key: string, text: string, ref: EntityRef, ticket: FetchTicket) => {
    if (ticket.tainted) return;
    const size = 2 * (key.length + text.length) + ENTRY_OVERHEAD_BYTES;
    if (size > options.maxBytes) return;
    remove(key);
    entries.set(key, { text, bytes: size, storedAt: now(), started: ticket.started, ref });
    bytes += size;
    file(byEntity, ref.entity, key);
    file(byType, ref.type, key);
    for (const oldest of entries.keys()) {
      if (bytes <= options.maxBytes) break;
      remove(oldest);
    }
  };

  return {
    async lookup(caller, slots) {
      const lastWrite = writers.get(caller) ?? writerFloor;
      const texts = slots.map((slot) => get(slot.key, lastWrite));
      const ticket: FetchTicket = {
        started: ++tick,
        refs: slots.filter((_, index) => texts[index] === undefined).map((slot) => slot.ref),
        tainted: false,
      };
      inFlight.add(ticket);
      return {
        texts,
        async keep(answers) {
          for (const { index, text } of answers) {
            const slot = slots[index];
            if (slot) set(slot.key, text, slot.ref, ticket);
          }
        },
        end: () => inFlight.delete(ticket),
      };
    },
    async evictEntity(entity) {
      taint((ref) => ref.entity === entity);
      let dropped = 0;
      for (const key of [...(byEntity.get(entity) ?? [])]) if (remove(key)) dropped++;
      return dropped;
    },
    async evictType(type) {
      taint((ref) => ref.type === type);
      let dropped = 0;
      for (const key of [...(byType.get(type) ?? [])]) if (remove(key)) dropped++;
      return dropped;
    },
    async clear() {
      taint(() => true);
      entries.clear();
      byEntity.clear();
      byType.clear();
      bytes = 0;
    },
    async wrote(caller) {
      if (writers.size >= maxWriters && !writers.has(caller)) {
        // Forgetting writers one by one could forget a recent write; instead every caller now counts as just having written.
        writerFloor = ++tick;
        writers.clear();
      }
      writers.set(caller, ++tick);
    },
    async close() {},
    get bytes() {
      return bytes;
    },
    get entries() {
      return entries.size;
    },
  };
}
