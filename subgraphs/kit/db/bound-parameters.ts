import { isRaw, JsonProperty, type Platform, Utils } from '@mikro-orm/core';
import { CompiledQuery } from 'kysely';

/**
 * MikroORM 7 sends every statement with its values written into the SQL text
 * (escaped by the platform: `formatQuery`). Escaping is not binding: SQLite
 * reads a NUL inside a quoted literal as the end of the statement ("unrecognized
 * token"), and a value then becomes SQL text the database parses. On SQLite
 * the kit sends each statement as MikroORM wrote it, with `?` placeholders,
 * and the values as bound parameters, converted exactly as the platform would
 * have written them (a Date as its milliseconds, a boolean as 1 or 0, JSON
 * as its text, a list as one placeholder per item).
 *
 * MySQL keeps MikroORM's path: mysql2 escapes client-side there too (it has no
 * NUL problem), and server-side prepared statements belong with the performance work (they
 * also want a statement cache per connection).
 */
export type BoundStatement = { sql: string; values: unknown[] };

export function bindParameters(platform: Platform, sql: string, params: readonly unknown[]): BoundStatement {
  const values: unknown[] = [];
  let out = '';
  let next = 0;
  for (let pos = 0; pos < sql.length; ) {
    const at = sql.indexOf('?', pos);
    if (at === -1) {
      out += sql.slice(pos);
      break;
    }
    out += sql.slice(pos, at);
    if (at > 0 && sql[at - 1] === '\\') {
      // An escaped question mark is a literal one (formatQuery drops the backslash).
      out = `${out.slice(0, -1)}?`;
      pos = at + 1;
    } else if (sql[at + 1] === '?') {
      out += platform.quoteIdentifier(params[next++] as string);
      pos = at + 2;
    } else {
      out += placeholderFor(platform, params[next++], values);
      pos = at + 1;
    }
  }
  return { sql: out, values };
}

function placeholderFor(platform: Platform, value: unknown, values: unknown[]): string {
  if (isRaw(value)) {
    const inner = bindParameters(platform, value.sql, value.params as unknown[]);
    values.push(...inner.values);
    return inner.sql;
  }
  if (Array.isArray(value) && !(value as unknown as Record<symbol, unknown>)[JsonProperty]) {
    return value.map((item) => placeholderFor(platform, item, values)).join(', ');
  }
  values.push(sqliteValue(value));
  return '?';
}

function sqliteValue(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return +value;
  if (Buffer.isBuffer(value)) return value;
  if (Utils.isPlainObject(value) || (value as Record<symbol, unknown>)[JsonProperty] || Array.isArray(value)) return JSON.stringify(value);
  return value;
}

type SqlConnection = {
  ensureConnection(): Promise<void>;
  prepareQuery(query: unknown, params?: unknown[]): { query: string; params: unknown[]; formatted: string };
  getSql(query: string, formatted: string, context?: unknown): string;
  executeQuery<T>(sql: string, run: () => Promise<T>, context?: unknown): Promise<T>;
  getClient(): { executeQuery(query: CompiledQuery): Promise<unknown> };
  transformRawResult<T>(result: unknown, method: string): T;
  platform: Platform;
  execute: (...args: never[]) => Promise<unknown>;
};

/** Makes a SQLite connection send its statements' values as bound parameters (see above). */
export function bindSqliteParameters(connection: unknown): void {
  const sql = connection as SqlConnection;
  sql.execute = async function execute(
    this: SqlConnection,
    query: unknown,
    params: unknown[] = [],
    method = 'all',
    ctx?: unknown,
    context?: unknown,
  ) {
    await this.ensureConnection();
    // prepareQuery also reports the statement (the statement counter) and formats it for the query log.
    const prepared = this.prepareQuery(query, params);
    const logged = this.getSql(prepared.query, prepared.formatted, context);
    const bound = bindParameters(this.platform, prepared.query, prepared.params);
    return this.executeQuery(
      logged,
      async () => {
        const client = (ctx as ReturnType<SqlConnection['getClient']> | undefined) ?? this.getClient();
        const result = await client.executeQuery(CompiledQuery.raw(bound.sql, bound.values));
        return this.transformRawResult(result, method);
      },
      { ...prepared, ...(context as object | undefined) },
    );
  } as SqlConnection['execute'];
}
