import type { EntityName, QueryOrderMap } from '@mikro-orm/core';
import type { QBFilterQuery } from '@mikro-orm/sql';
import type { EntityManager } from './database.ts';
import { placeholders, selectRows } from './entity-rows.ts';

/**
 * Rows of an entity's table for reading only: plain objects with the entity's
 * property names and the same JS values `em.find` would give (dates as Date,
 * booleans as boolean), but not made into managed entities.
 *
 * Why: turning a row into a managed entity is most of what a read costs here.
 * MikroORM defines accessors on every instance and registers it in the
 * identity map; profiled under the router benchmark, `em.find` of the 57
 * stock levels behind one catalogue page took about 2.5 ms of CPU, this
 * 0.5 ms. A loader's read by a list of keys is written directly (keyListStatement
 * below), anything else by the query builder; the statement is the same.
 *
 * Only for what is read and never changed through this request's
 * EntityManager: the rows are not tracked, so assigning to one writes
 * nothing, and `em.find` of the same row later returns a different object.
 * It also skips `em.find`'s auto-flush; callers read rows no pending change
 * of theirs touches (resolver loaders).
 */
export function readRows<Entity extends object>(
  em: EntityManager,
  entity: EntityName<Entity>,
  where: QBFilterQuery<Entity>,
  orderBy?: QueryOrderMap<Entity>,
): Promise<Entity[]> {
  const byKeys = keyListStatement(em, entity, where, orderBy);
  if (byKeys) return selectRows(em, entity, byKeys.sql, byKeys.params);
  const qb = em.createQueryBuilder(entity).select('*').where(where);
  if (orderBy) qb.orderBy(orderBy);
  return qb.execute<Entity[]>('all', true);
}

/**
 * The statement of a loader's read, `{ property: { $in: keys } }` with plain
 * ascending/descending order, written directly: the same SQL the query
 * builder writes, but building it through the builder cost more CPU than
 * SQLite took to run it (profiled on a catalogue page, ~0.3 ms a statement).
 * Null for any other filter, which the query builder then writes.
 */
function keyListStatement<Entity extends object>(
  em: EntityManager,
  entity: EntityName<Entity>,
  where: QBFilterQuery<Entity>,
  orderBy: QueryOrderMap<Entity> | undefined,
): { sql: string; params: unknown[] } | null {
  const filtered = Object.entries(where as Record<string, unknown>);
  if (filtered.length !== 1) return null;
  const [property, condition] = filtered[0]!;
  if (!condition || typeof condition !== 'object' || Object.keys(condition).length !== 1) return null;
  const keys = (condition as { $in?: unknown }).$in;
  if (!Array.isArray(keys) || keys.length === 0) return null;
  const meta = em.getMetadata().get(entity);
  const platform = em.getPlatform();
  const column = (name: string) => {
    const fields = (meta.properties as Record<string, { fieldNames?: string[] } | undefined>)[name]?.fieldNames;
    return fields?.length === 1 ? platform.quoteIdentifier(fields[0]!) : null;
  };
  const keyColumn = column(property);
  if (!keyColumn) return null;
  const order: string[] = [];
  for (const [name, direction] of Object.entries(orderBy ?? {})) {
    const sorted = column(name);
    if (!sorted || (direction !== 'asc' && direction !== 'desc')) return null;
    order.push(`${sorted} ${direction}`);
  }
  const sql = `select * from ${platform.quoteIdentifier(meta.tableName)} where ${keyColumn} in (${placeholders(keys)})`;
  return { sql: order.length ? `${sql} order by ${order.join(', ')}` : sql, params: keys };
}
