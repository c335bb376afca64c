import { badUserInput } from './errors.ts';

/**
 * Relay connections (the contract's convention for lists that grow).
 *
 * Pagination is by keyset, not offset: a cursor holds the sort key of the last
 * row seen, and the next page starts strictly after it. Rows inserted while a
 * client pages never shift a page, so nothing is skipped or shown twice.
 */
export type PageArgs = { first?: number | null; after?: string | null };
export type PageInfo = { hasNextPage: boolean; endCursor: string | null };
export type Edge<T> = { cursor: string; node: T };
export type Connection<T> = { edges: Edge<T>[]; pageInfo: PageInfo; totalCount: () => Promise<number> };

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export function pageSize(first: number | null | undefined, max = MAX_PAGE_SIZE): number {
  if (first === null || first === undefined) return Math.min(DEFAULT_PAGE_SIZE, max);
  if (!Number.isInteger(first) || first < 0 || first > max) {
    throw badUserInput(`first must be between 0 and ${max}; received ${first}`, 'first');
  }
  return first;
}

export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** Decodes a cursor made by `encodeCursor` with `arity` parts of the given types. */
export function decodeCursor(cursor: string, shape: readonly ('string' | 'number')[]): (string | number)[] {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    // A number must be finite: JSON.parse turns 1e400 into Infinity, which is no date or id to compare with.
    const fits = (part: unknown, i: number) => typeof part === shape[i] && (typeof part !== 'number' || Number.isFinite(part));
    if (Array.isArray(key) && key.length === shape.length && key.every(fits)) {
      return key as (string | number)[];
    }
  } catch {
    // falls through to the error below
  }
  throw badUserInput(`after is not a cursor from this list; received "${cursor}"`, 'after');
}

/**
 * Builds a connection from rows fetched with `limit size + 1`: the extra row
 * only tells whether there is a next page. `totalCount` is a function so the
 * count query runs only when a client asks for it.
 */
export function toConnection<T>(
  rows: readonly T[],
  size: number,
  keyOf: (row: T) => readonly (string | number)[],
  totalCount: () => Promise<number>,
): Connection<T> {
  const page = rows.slice(0, size);
  const edges = page.map((node) => ({ cursor: encodeCursor(keyOf(node)), node }));
  return {
    edges,
    pageInfo: { hasNextPage: rows.length > size, endCursor: edges.at(-1)?.cursor ?? null },
    totalCount,
  };
}
