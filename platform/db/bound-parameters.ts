import { isRaw, JsonProperty, type Platform, Utils } from '@mikro-orm/core';
import { CompiledQuery } from 'kysely';
import type { Dialect } from './database.ts';

/**
 * MikroORM 7 sends every statement with its values written into the SQL text
 * (escaped by the platform: `formatQuery`). Escaping is not binding: SQLite
 * reads a NUL inside a quoted literal as the end of the statement ("unrecognized
 * token"), and a value then becomes SQL text the database parses. The kit
 * sends each statement as MikroORM wrote it, with `?` placeholders, and the
 * values as bound parameters, converted exactly as the platform would have
 * written them (on SQLite a Date as its milliseconds; a boolean as 1 or 0,
 * JSON as its text, a list as one placeholder per item). On MySQL the
 * connection then sends them as a prepared statement (mysql-prepared.ts), so
 * the values never become SQL text there either.
 */
export type BoundStatement = { sql: string; values: unknown[] };

export function bindParameters(platform: Platform, sql: string, params: readonly unknown[], dialect: Dialect = 'sqlite'): BoundStatement {
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
      out += placeholderFor(platform, params[next++], values, dialect);
      pos = at + 1;
    }
  }
  return { sql: out, values };
}

function placeholderFor(platform: Platform, value: unknown, values: unknown[], dialect: Dialect): string {
  if (isRaw(value)) {
    const inner = bindParameters(platform, value.sql, value.params as unknown[], dialect);
    values.push(...inner.values);
    return inner.sql;
  }
  if (Array.isArray(value) && !(value as unknown as Record<symbol, unknown>)[JsonProperty]) {
    return value.map((item) => placeholderFor(platform, item, values, dialect)).join(', ');
  }
  values.push(boundValue(value, dialect));
  return '?';
}

function boundValue(value: unknown, dialect: Dialect): unknown {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  // mysql2 sends a Date as DATETIME in the connection's time zone (UTC here), as MikroORM would have written it.
  if (value instanceof Date) return dialect === 'sqlite' ? +value : value;
  if (Buffer.isBuffer(value)) return value;
  if (Utils.isPlainObject(value) || (value as Record<symbol, unknown>)[JsonProperty] || Array.isArray(value)) return JSON.stringify(value);
  return value;
}

type SqlConnection = {
  config: {
    get(key: 'onQuery'): (sql: string, params: readonly unknown[]) => string;
    getLogger(): { isEnabled(namespace: string, context?: unknown): boolean };
  };
  ensureConnection(): Promise<void>;
  prepareQuery(query: unknown, params?: unknown[]): { query: string; params: unknown[]; formatted: string };
  getSql(query: string, formatted: string, context?: unknown): string;
  executeQuery<T>(sql: string, run: () => Promise<T>, context?: unknown): Promise<T>;
  getClient(): { executeQuery(query: CompiledQuery): Promise<unknown> };
  transformRawResult<T>(result: unknown, method: string): T;
  platform: Platform;
  execute: (...args: never[]) => Promise<unknown>;
};

/** Makes a connection send its statements' values as bound parameters (see above). */
export function bindConnectionParameters(connection: unknown, dialect: Dialect): void {
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
    const prepared =
      typeof query === 'string' && Array.isArray(params) ? prepareText(this, query, params, context) : this.prepareQuery(query, params);
    const logged = this.getSql(prepared.query, prepared.formatted, context);
    const bound = bindParameters(this.platform, prepared.query, prepared.params, dialect);
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

/**
 * `prepareQuery` for a statement that is already text with `?` placeholders
 * (every query builder's and raw statement's): MikroORM's own also writes
 * the values into a copy of the text (`formatQuery`), which only the
 * `query-params` debug log shows and which cost ~2% of a catalogue page's
 * CPU; here that copy is made only when that log is on.
 */
function prepareText(connection: SqlConnection, text: string, params: unknown[], context: unknown) {
  const query = connection.config.get('onQuery')(text, params);
  const formatted = connection.config.getLogger().isEnabled('query-params', context)
    ? connection.platform.formatQuery(query, params)
    : query;
  return { query, params, formatted };
}
