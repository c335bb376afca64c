import type { EntityMetadata, EntityName } from '@mikro-orm/core';
import type { Database, EntityManager } from './database.ts';
import { readOnly } from './read-replicas.ts';

/**
 * Entity rows from hand-written SQL, as plain objects with the values
 * `readRows` gives (property names, dates as Date, booleans as boolean): the
 * same compiled result mapper MikroORM's query builder applies to its rows.
 *
 * Why not the query builder: building a statement through it (criteria
 * nodes, aliasing, quoting, formatting) cost more CPU than SQLite took to run
 * the statement, for the small reads a catalogue page makes several of. Here
 * the SQL is a string the repository writes, with `?` for every value (bound,
 * never written into the text: bound-parameters.ts), and the rows are only
 * read, never tracked (read-rows.ts says what that rules out).
 */
type Row = Record<string, unknown>;

/** `?, ?, ?`: one placeholder per value of an `in (...)` list. */
export const placeholders = (values: readonly unknown[]): string => values.map(() => '?').join(', ');

/** Runs a select whose columns are the entity's own (`select t.* ...`) and maps each row. */
export function selectEntityRows<T extends object>(
  db: Database,
  em: EntityManager,
  entity: EntityName<T>,
  sql: string,
  params: readonly unknown[],
): Promise<T[]> {
  return mapped(em, entity, db.execute<Row>(em, sql, [...params]));
}

/** `selectEntityRows` for platform code that has no Database at hand (read-rows.ts): the connection's errors untyped. */
export function selectRows<T extends object>(
  em: EntityManager,
  entity: EntityName<T>,
  sql: string,
  params: readonly unknown[],
): Promise<T[]> {
  return mapped(
    em,
    entity,
    em.getConnection(readOnly(em, sql)).execute(sql, [...params], 'all', em.getTransactionContext()) as Promise<Row[]>,
  );
}

async function mapped<T extends object>(em: EntityManager, entity: EntityName<T>, rows: Promise<Row[]>): Promise<T[]> {
  const meta = em.getMetadata().get(entity);
  const comparator = em.getComparator();
  return (await rows).map((row) => comparator.mapResult(meta, row as never) as T);
}

export type EntityColumns<T> = {
  /** The select list for the table under `alias`, every column named `<alias>__<column>` so joined tables cannot clash. */
  readonly select: string;
  /** The entity's part of a joined row; null when an outer join found no row (its first key column is null). */
  read(row: Row): T | null;
  /**
   * A `read` for one statement's rows that maps each distinct row (by its
   * primary key) once and gives the same object for every repeat: the
   * "one" side of a many-to-one join (a page's brands, a SKU's warehouses),
   * where mapping every repeat was most of what reading the rows cost.
   */
  distinct(): (row: Row) => T | null;
};

const columnsByMeta = new WeakMap<EntityMetadata, Map<string, EntityColumns<unknown>>>();

/** An entity's columns in a join, for `select` and back out of the joined row (built once per entity and alias). */
export function entityColumns<T extends object>(em: EntityManager, entity: EntityName<T>, alias: string): EntityColumns<T> {
  const meta = em.getMetadata().get(entity) as EntityMetadata;
  const byAlias = columnsByMeta.get(meta) ?? new Map<string, EntityColumns<unknown>>();
  columnsByMeta.set(meta, byAlias);
  const known = byAlias.get(alias);
  if (known) return known as EntityColumns<T>;
  const platform = em.getPlatform();
  const fields = meta.props.flatMap((prop) => prop.fieldNames ?? []);
  const aliased = fields.map((field) => `${alias}__${field}`);
  const keyColumns = meta.getPrimaryProps().flatMap((prop) => prop.fieldNames.map((field) => `${alias}__${field}`));
  const keyColumn = keyColumns[0]!;
  const keyOf = (row: Row): unknown =>
    keyColumns.length === 1 ? row[keyColumn] : keyColumns.map((column) => String(row[column])).join('\u0000');
  const comparator = em.getComparator();
  const read = (row: Row): T | null => {
    if (row[keyColumn] === null || row[keyColumn] === undefined) return null;
    const own: Row = {};
    for (let i = 0; i < fields.length; i++) own[fields[i]!] = row[aliased[i]!];
    return comparator.mapResult(meta, own as never) as T;
  };
  const columns: EntityColumns<T> = {
    select: fields.map((field, i) => `${alias}.${platform.quoteIdentifier(field)} as ${platform.quoteIdentifier(aliased[i]!)}`).join(', '),
    read,
    distinct() {
      const seen = new Map<unknown, T | null>();
      return (row) => {
        const key = keyOf(row);
        let value = seen.get(key);
        if (value === undefined) {
          value = read(row);
          seen.set(key, value);
        }
        return value;
      };
    },
  };
  byAlias.set(alias, columns as EntityColumns<unknown>);
  return columns;
}
