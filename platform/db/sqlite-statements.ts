import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { SqliteDialect } from 'kysely';

/**
 * How many prepared statements one SQLite connection keeps. The kit's
 * statements come from a few hundred distinct texts (each ORM query shape and
 * each `in (?, ?, ...)` length is one), so the hot ones stay; the least
 * recently used one is dropped beyond this.
 */
export const SQLITE_STATEMENT_CACHE = 500;

/**
 * MikroORM's `NodeSqliteDialect` for `node:sqlite`, but keeping each
 * statement prepared for reuse. Kysely prepares the SQL of every query it
 * runs, and compiling a statement cost SQLite more than running it did for the
 * small reads of a catalogue page (profiled: ~7% of the subgraphs' CPU, against
 * ~15% for executing every statement). Values are bound to the cached
 * statement afresh at each call, so reuse shares no data between calls; a
 * statement is synchronous in `node:sqlite` and one runs at a time, so no two
 * calls use one statement at once. SQLite re-prepares a cached statement by
 * itself when a migration changes the schema under it.
 */
export function cachingSqliteDialect(file: string): SqliteDialect {
  const { DatabaseSync: Database } = process.getBuiltinModule('node:sqlite') as { DatabaseSync: typeof DatabaseSync };
  return new SqliteDialect({
    database: () => {
      const db = new Database(file);
      const cache = new Map<string, { statement: StatementSync; reader: boolean }>();
      return {
        prepare(sql: string) {
          let entry = cache.get(sql);
          if (entry) {
            // Most recently used last: a Map iterates in insertion order, so the first key is the one to drop.
            cache.delete(sql);
          } else {
            entry = { statement: db.prepare(sql), reader: /^\s*(select|pragma|explain|with)/i.test(sql) || /\breturning\b/i.test(sql) };
            if (cache.size >= SQLITE_STATEMENT_CACHE) cache.delete(cache.keys().next().value!);
          }
          cache.set(sql, entry);
          const { statement, reader } = entry;
          return {
            reader,
            all: (params: never[]) => statement.all(...params),
            run: (params: never[]) => statement.run(...params),
            get: (params: never[]) => statement.get(...params),
          };
        },
        close() {
          cache.clear();
          db.close();
        },
      } as never;
    },
  });
}
