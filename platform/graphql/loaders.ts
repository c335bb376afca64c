import DataLoader from 'dataloader';
import { quoted } from './excerpt.ts';

/**
 * DataLoader factories with the contract every loader here keeps: results
 * come back in key order, one SQL query per batch, and a missing key gets an
 * `Error` in its slot (or an empty list, for one-to-many loaders).
 */
export class MissingKeyError extends Error {
  readonly key: unknown;
  constructor(what: string, key: unknown) {
    super(`no ${what} with key ${quoted(key)}`);
    this.name = 'MissingKeyError';
    this.key = key;
  }
}

/** One value per key: `fetch` returns the rows found for a batch of keys, in any order. */
export function keyedLoader<K extends string | number, V>(
  what: string,
  fetch: (keys: K[]) => Promise<V[]>,
  keyOf: (value: V) => K,
): DataLoader<K, V> {
  return new DataLoader<K, V>(async (keys) => {
    const byKey = new Map<K, V>();
    for (const value of await fetch([...keys])) byKey.set(keyOf(value), value);
    return keys.map((key) => byKey.get(key) ?? new MissingKeyError(what, key));
  });
}

/** Many values per key (children of a parent), in the order `fetch` returns them. */
export function groupedLoader<K extends string | number, V>(
  fetch: (keys: K[]) => Promise<V[]>,
  keyOf: (value: V) => K,
): DataLoader<K, V[]> {
  return new DataLoader<K, V[]>(async (keys) => {
    const byKey = new Map<K, V[]>(keys.map((key) => [key, []]));
    for (const value of await fetch([...keys])) byKey.get(keyOf(value))?.push(value);
    return keys.map((key) => byKey.get(key) ?? []);
  });
}

/** Loads a key that may not exist (a `product(id:)` lookup): null instead of an error. */
export async function loadOrNull<K, V>(loader: DataLoader<K, V>, key: K): Promise<V | null> {
  const [value] = await loader.loadMany([key]);
  if (value instanceof MissingKeyError) return null;
  if (value instanceof Error) throw value;
  return value ?? null;
}
