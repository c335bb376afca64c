import type { EntityName, FilterQuery, OrderDefinition } from '@mikro-orm/core';
import { type Connection, decodeCursor, type PageArgs, pageSize, toConnection } from '../graphql/pagination.ts';
import type { EntityManager } from './database.ts';

/** The properties of `T` that hold a Date: the sort keys a list may be paged by besides its id. */
type DateKey<T> = { [K in keyof T]-?: T[K] extends Date ? K : never }[keyof T] & string;

export type KeysetOptions<T> = {
  /**
   * Newest first by this date, ties broken by id. Without it the list is
   * newest first by id alone, which is creation order (ids are UUIDv7).
   */
  sortBy?: DateKey<T>;
};

/**
 * One page of a Relay connection over the rows of `entity` that match
 * `where`, newest first, by keyset (pagination.ts says why keyset).
 *
 * Rows are ordered by the sort key and then by id, both descending, so rows
 * that tie on the sort key still have one order, and a cursor (the last row's
 * sort key and id) names a place between two rows. The next page is every row
 * strictly after that place: rows inserted while a client pages land before
 * it (newer) or, when they tie, wherever their id puts them, and never move a
 * row across it, so no row is skipped or shown twice.
 *
 * The query asks for one row more than the page, which only tells whether
 * there is a next page; the count runs only when a client asks for it.
 */
export async function keysetPage<T extends { id: string }>(
  em: EntityManager,
  entity: EntityName<T>,
  where: FilterQuery<T>,
  args: PageArgs,
  options: KeysetOptions<T> = {},
): Promise<Connection<T>> {
  const size = pageSize(args.first);
  const sortBy = options.sortBy;
  // Built untyped: the sort key is a property name known only at run time.
  const after: Record<string, unknown>[] = [];
  if (args.after && sortBy) {
    const [at, id] = decodeCursor(args.after, ['number', 'string']) as [number, string];
    const date = new Date(at);
    after.push({ $or: [{ [sortBy]: { $lt: date } }, { [sortBy]: date, id: { $lt: id } }] });
  } else if (args.after) {
    const [id] = decodeCursor(args.after, ['string']) as [string];
    after.push({ id: { $lt: id } });
  }
  const orderBy = sortBy ? [{ [sortBy]: 'desc' }, { id: 'desc' }] : [{ id: 'desc' }];
  const rows = (await em.find(entity, { $and: [where, ...after] } as unknown as FilterQuery<T>, {
    orderBy: orderBy as OrderDefinition<T>,
    limit: size + 1,
  })) as T[];
  return toConnection(
    rows,
    size,
    (row) => (sortBy ? [(row[sortBy] as Date).getTime(), row.id] : [row.id]),
    () => em.count(entity, where),
  );
}
