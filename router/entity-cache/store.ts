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
export type FetchTicket = { readonly started: number; readonly refs: readonly EntityRef[]; tainted: boolean };

type Entry = { text: string; bytes: number; storedAt: number; started: number; ref: EntityRef };

export type EntityStore = {
  /** The answer under `key`, if one is kept that a caller whose last write was at `lastWrite` may see. */
  get(key: string, lastWrite: number): string | undefined;
  /** Opens a fetch for these entities; pass it to `set`, then `end` it. */
  begin(refs: readonly EntityRef[]): FetchTicket;
  /** Keeps the answer unless the fetch was tainted or it alone passes the bound. */
  set(key: string, text: string, ref: EntityRef, ticket: FetchTicket): void;
  end(ticket: FetchTicket): void;
  /** Drops the answers about one entity; returns how many. */
  evictEntity(entity: string): number;
  /** Drops every answer of one type; returns how many. */
  evictType(type: string): number;
  /** Drops everything (the bus lost events). */
  clear(): void;
  /** A caller's write was answered: their later reads must not use answers fetched before it. */
  wrote(caller: string): void;
  /** The moment of the caller's last answered write (0: none known). */
  lastWriteOf(caller: string): number;
  readonly bytes: number;
  readonly entries: number;
};

export function entityStore(options: { maxBytes: number; ttlMs: number; now?: () => number; maxWriters?: number }): EntityStore {
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

  return {
    get(key, lastWrite) {
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
    },
    begin(refs) {
      const ticket: FetchTicket = { started: ++tick, refs, tainted: false };
      inFlight.add(ticket);
      return ticket;
    },
    set(key, text, ref, ticket) {
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
    },
    end(ticket) {
      inFlight.delete(ticket);
    },
    evictEntity(entity) {
      taint((ref) => ref.entity === entity);
      let dropped = 0;
      for (const key of [...(byEntity.get(entity) ?? [])]) if (remove(key)) dropped++;
      return dropped;
    },
    evictType(type) {
      taint((ref) => ref.type === type);
      let dropped = 0;
      for (const key of [...(byType.get(type) ?? [])]) if (remove(key)) dropped++;
      return dropped;
    },
    clear() {
      taint(() => true);
      entries.clear();
      byEntity.clear();
      byType.clear();
      bytes = 0;
    },
    wrote(caller) {
      if (writers.size >= maxWriters && !writers.has(caller)) {
        // Forgetting writers one by one could forget a recent write; instead every caller now counts as just having written.
        writerFloor = ++tick;
        writers.clear();
      }
      writers.set(caller, ++tick);
    },
    lastWriteOf: (caller) => writers.get(caller) ?? writerFloor,
    get bytes() {
      return bytes;
    },
    get entries() {
      return entries.size;
    },
  };
}
