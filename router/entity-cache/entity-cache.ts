import type { Identity } from '../../platform/auth/identity.ts';
import type { DomainEvent } from '../../platform/events/event.ts';
import { identityKey } from '../identity-signing.ts';
import { hashKey } from '../merge-keys.ts';
import type { AnswerTrace } from './answer-cache.ts';
import type { CacheDeclaration, CacheDeclarations } from './declarations.ts';
import type { HttpCacheTally } from './http-cache.ts';
import { argumentValue, rootFetchOf } from './root-fields.ts';
import type { EntityStore, StoreSlot } from './store.ts';

/** The part of a subgraph's answer the cache reads and writes. */
export type FetchAnswer = {
  data?: Record<string, unknown> | null;
  errors?: readonly { path?: readonly (string | number)[] }[];
};

/** What one request's fetches got from the cache, for the development `cacheStatus` extension. */
export type CacheStatus = { hits: number; misses: number; rootHits: number; rootMisses: number };

type Variables = Record<string, unknown> | undefined;

/** One fetch to a subgraph as the gateway planned it, and whom for. */
export type EntityFetch = {
  subgraph: string;
  query: string;
  variables: Variables;
  caller: Identity;
  status?: CacheStatus;
  /** Counts the fetch as public when it is one the cache may keep for everyone (http-cache.ts). */
  tally?: HttpCacheTally;
  /** What the request's whole answer is made of, while it may be kept (answer-cache.ts): public fetches add their names. */
  trace?: AnswerTrace;
};

export type EntityCacheCounts = {
  hits: number;
  misses: number;
  /** Root-field fetches answered whole from the cache, and fetched. */
  rootHits: number;
  rootMisses: number;
  /** Invalidating events heard, by type. */
  events: Map<string, number>;
  /** Answers those events dropped, by type. */
  evictionsByEvent: Map<string, number>;
};

export type EntityCache = {
  /**
   * A fetch of one declared root field, answered whole from the cache where it can be.
   * An `_entities` fetch of a read, answered from memory where it can be:
   * `send` gets only the representations that were not (in their order), and
   * the answers come back merged in the order asked. Anything else goes to
   * `send` untouched. `keeping` tells `send` the answer will be kept, so the
   * subgraph must read it from its primary (READ_PRIMARY_HEADER).
   */
  serve<Answer extends FetchAnswer>(
    fetch: EntityFetch,
    send: (variables: Variables, keeping?: boolean) => Promise<Answer>,
  ): Promise<Answer>;
  /** A caller's mutation was answered (read-your-writes: see store.ts); resolves once the store knows. */
  wrote(caller: Identity): Promise<void>;
  /** Serves by these declarations from now on (a new supergraph); what was kept must be dropped by the caller. */
  redeclare(declarations: CacheDeclarations): void;
  /** Drops what an event names, by the declarations; resolves (with how many answers) once the store has dropped them. */
  invalidate(event: DomainEvent): Promise<number>;
  readonly counts: EntityCacheCounts;
};

/** The planner's entity fetch: one `_entities` field over `$representations`. */
const ENTITIES_FETCH = /^\s*query\b[^{]*\{\s*_entities\s*\(\s*representations\s*:\s*\$representations\s*\)/;

/** One representation's place in the cache, or null when it may not be cached. */
type Slot = (StoreSlot & { owner: string }) | null;

export function entityCache(initial: CacheDeclarations, store: EntityStore, available: () => boolean = () => true): EntityCache {
  let declarations = initial;
  const counts: EntityCacheCounts = { hits: 0, misses: 0, rootHits: 0, rootMisses: 0, events: new Map(), evictionsByEvent: new Map() };

  const slotOf = (declared: ReadonlyMap<string, CacheDeclaration>, selection: string, representation: unknown, caller: Identity): Slot => {
    if (typeof representation !== 'object' || representation === null) return null;
    const typename = (representation as { __typename?: unknown }).__typename;
    const declaration = typeof typename === 'string' ? declared.get(typename) : undefined;
    if (!declaration || declaration.rootField) return null;
    const key = (representation as Record<string, unknown>)[declaration.keyField];
    if (typeof key !== 'string' && typeof key !== 'number') return null;
    // A private answer is one caller's: a caller who is nobody in particular has none to keep.
    if (declaration.private && caller.kind === 'anonymous') return null;
    const owner = declaration.private ? identityKey(caller) : '';
    const ref = {
      entity: entityName(declaration.subgraph, declaration.typename, String(key)),
      type: typeName(declaration.subgraph, typename as string),
    };
    return { key: hashKey(declaration.subgraph, selection, canonicalJson(representation), owner), ref, owner };
  };

  /** A fetch of one declared root field, kept whole: keyed by its text (the selection) and its variables (the arguments). */
  const serveRootField = async <Answer extends FetchAnswer>(
    declared: ReadonlyMap<string, CacheDeclaration>,
    fetch: EntityFetch,
    send: (variables: Variables, keeping?: boolean) => Promise<Answer>,
  ): Promise<Answer> => {
    const root = rootFetchOf(fetch.query);
    const declaration = root === undefined ? undefined : declared.get(`Query.${root.field}`);
    if (!declaration || (declaration.private && fetch.caller.kind === 'anonymous') || !available()) return send(fetch.variables);
    const name = typeName(declaration.subgraph, declaration.typename);
    // A lookup by key is filed under its key too, so an event naming that key drops it (and only it, of the field).
    let ref = { entity: name, type: name };
    if (declaration.keyArgument) {
      const key = argumentValue(root!, declaration.keyArgument, fetch.variables);
      if (typeof key !== 'string' && typeof key !== 'number') return send(fetch.variables);
      ref = { entity: entityName(declaration.subgraph, declaration.typename, String(key)), type: name };
    }
    if (!declaration.private && fetch.tally) fetch.tally.publicFetches++;
    if (!declaration.private && fetch.trace) {
      fetch.trace.names.add(ref.entity).add(ref.type);
      fetch.trace.roots++;
    }
    // A public root answer is shared by callers of the same kind and scopes, not by everyone: a subgraph may check an
    // argument against the caller's scopes (catalogue's `products(filter: { includeInactive })`), which the router's
    // field rules do not see, so a staff answer must never reach an anonymous caller through the cache.
    const owner = declaration.private ? identityKey(fetch.caller) : `${fetch.caller.kind}\n${[...fetch.caller.scopes].sort().join(' ')}`;
    const slot = { key: hashKey(declaration.subgraph, 'root', fetch.query, canonicalJson(fetch.variables ?? {}), owner), ref };
    const lookup = await store.lookup(identityKey(fetch.caller), [slot]);
    try {
      const text = lookup.texts[0];
      const hit = text !== undefined;
      counts[hit ? 'rootHits' : 'rootMisses']++;
      if (fetch.status) fetch.status[hit ? 'rootHits' : 'rootMisses']++;
      if (hit) return { data: JSON.parse(text) } as FetchAnswer as Answer;
      const answer = await send(fetch.variables, true);
      // An answer with errors (a refused field, a subgraph failing) is nobody's to keep.
      if (!answer.errors?.length && answer.data) await lookup.keep([{ index: 0, text: JSON.stringify(answer.data) }]);
      return answer;
    } finally {
      lookup.end();
    }
  };

  return {
    counts,
    async serve<Answer extends FetchAnswer>(
      fetch: EntityFetch,
      send: (variables: Variables, keeping?: boolean) => Promise<Answer>,
    ): Promise<Answer> {
      const declared = declarations.get(fetch.subgraph);
      const representations = fetch.variables?.representations;
      if (declared && !ENTITIES_FETCH.test(fetch.query)) return serveRootField(declared, fetch, send);
      if (!declared || !Array.isArray(representations) || !ENTITIES_FETCH.test(fetch.query) || !available()) {
        return send(fetch.variables);
      }
      const { representations: _, ...others } = fetch.variables ?? {};
      // The fetch's selection: its query text and every variable but the representations.
      const selection = `${fetch.query}\n${canonicalJson(others)}`;
      const slots = representations.map((representation) => slotOf(declared, selection, representation, fetch.caller));
      const cacheable = slots.flatMap((slot, index) => (slot ? [index] : []));
      if (cacheable.length === 0) return send(fetch.variables);
      if (cacheable.length === slots.length && slots.every((slot) => slot!.owner === '')) {
        if (fetch.tally) fetch.tally.publicFetches++;
        if (fetch.trace) {
          for (const slot of slots) fetch.trace.names.add(slot!.ref.entity).add(slot!.ref.type);
          fetch.trace.entities += slots.length;
        }
      }
      const lookup = await store.lookup(
        identityKey(fetch.caller),
        cacheable.map((index) => slots[index]!),
      );
      try {
        // Per representation, the kept answer this caller may use (none for what may not be cached).
        const texts = new Array<string | undefined>(representations.length).fill(undefined);
        cacheable.forEach((index, position) => {
          texts[index] = lookup.texts[position];
        });
        const answers: unknown[] = new Array(representations.length);
        const missing: number[] = [];
        texts.forEach((text, index) => {
          // Each request parses its own copy: the gateway merges fetched objects into its result in place.
          if (text !== undefined) answers[index] = JSON.parse(text);
          else missing.push(index);
        });
        const hits = representations.length - missing.length;
        const misses = missing.filter((index) => slots[index]).length;
        counts.hits += hits;
        counts.misses += misses;
        if (fetch.status) {
          fetch.status.hits += hits;
          fetch.status.misses += misses;
        }
        if (missing.length === 0) return { data: { _entities: answers } } as FetchAnswer as Answer;

        const narrowed = missing.length === representations.length;
        // Kept answers are read from the subgraph's primary (READ_PRIMARY_HEADER): a lagging replica could refill old data.
        const answer = await send(
          narrowed ? fetch.variables : { ...fetch.variables, representations: missing.map((index) => representations[index]) },
          true,
        );
        const fetched = answer.data?._entities;
        if (!Array.isArray(fetched) || fetched.length !== missing.length) {
          // Not the answer asked for: nothing to keep or merge; without hits it is the caller's as it is.
          return narrowed ? answer : send(fetch.variables);
        }
        // An answer with errors is nobody's to keep: the next read asks again.
        if (!answer.errors?.length) {
          const position = new Map(cacheable.map((index, at) => [index, at]));
          await lookup.keep(
            missing.flatMap((index, at) => {
              const slotIndex = position.get(index);
              return slotIndex === undefined ? [] : [{ index: slotIndex, text: JSON.stringify(fetched[at]) }];
            }),
          );
        }
        if (narrowed) return answer;
        missing.forEach((index, position) => {
          answers[index] = fetched[position];
        });
        return { ...answer, data: { ...answer.data, _entities: answers }, errors: remapErrors(answer.errors, missing) };
      } finally {
        lookup.end();
      }
    },
    wrote: (caller) => store.wrote(identityKey(caller)),
    redeclare(next) {
      declarations = next;
    },
    async invalidate(event) {
      let dropped = 0;
      for (const declared of declarations.values()) {
        for (const declaration of declared.values()) {
          const how = declaration.invalidatedBy.get(event.type);
          if (!how) continue;
          const type = typeName(declaration.subgraph, declaration.typename);
          if ('all' in how) {
            dropped += await store.evictType(type);
            continue;
          }
          const value = (event.data as Record<string, unknown> | null)?.[how.field];
          for (const key of Array.isArray(value) ? value : [value]) {
            if (typeof key === 'string' || typeof key === 'number') {
              dropped += await store.evictEntity(entityName(declaration.subgraph, declaration.typename, String(key)));
            }
          }
        }
      }
      counts.events.set(event.type, (counts.events.get(event.type) ?? 0) + 1);
      counts.evictionsByEvent.set(event.type, (counts.evictionsByEvent.get(event.type) ?? 0) + dropped);
      return dropped;
    },
  };
}

const typeName = (subgraph: string, typename: string) => `${subgraph}\n${typename}`;
const entityName = (subgraph: string, typename: string, key: string) => `${subgraph}\n${typename}\n${key}`;

/** Errors of the narrowed fetch, their `_entities` indexes turned back into the indexes of the fetch asked for. */
function remapErrors<E extends { path?: readonly (string | number)[] }>(errors: readonly E[] | undefined, missing: readonly number[]) {
  if (!errors) return errors;
  return errors.map((error) => {
    const path = error.path;
    if (path?.[0] !== '_entities' || typeof path[1] !== 'number') return error;
    return { ...error, path: ['_entities', missing[path[1]] ?? path[1], ...path.slice(2)] };
  });
}

/** JSON with object keys sorted, so equal values give equal text whatever order their fields came in. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
