import { MySqlDriver } from '@mikro-orm/mysql';
import { MysqlDialect } from 'kysely';
import { createConnection, createPool, type Pool, type PoolConnection } from 'mysql2';
import { bindConnectionParameters } from './bound-parameters.ts';

/**
 * mysql2's `query(sql, values)` does not bind: it escapes the values and
 * writes them into the SQL text before sending it. Its `execute` sends a
 * prepared statement and the values apart from it (the binary protocol), so
 * a value can never become SQL the server parses. This driver makes every
 * statement that has values go through `execute`; statements without values
 * (transactions, savepoints, migrations' DDL) keep `query`, which can run
 * what the prepared-statement protocol cannot.
 *
 * mysql2 keeps each connection's prepared statements (an LRU of
 * PREPARED_STATEMENTS_PER_CONNECTION, closing on the server what it evicts),
 * so a statement is prepared once per connection and reused. The bound is
 * what the server counts against its `max_prepared_stmt_count` (16,382 by
 * default, over all clients): 100 x 10 pooled connections x 6 subgraphs is
 * 6,000, so two whole deployments on one server still fit.
 */
export const PREPARED_STATEMENTS_PER_CONNECTION = 100;

const PREPARED = Symbol('executes statements with values as prepared statements');

type QueryCallback = (error: Error | null, result?: unknown) => void;
type RawConnection = PoolConnection & { [PREPARED]?: true };

function executeWithValues(connection: RawConnection): RawConnection {
  if (connection[PREPARED]) return connection;
  const query = connection.query.bind(connection) as (...args: unknown[]) => unknown;
  const execute = connection.execute.bind(connection) as (sql: string, values: unknown[], callback: QueryCallback) => unknown;
  // Kysely calls query(sql, parameters, callback); its streaming call has no callback and keeps query.
  (connection as { query: unknown }).query = (sql: unknown, values?: unknown, callback?: unknown) =>
    typeof sql === 'string' && Array.isArray(values) && values.length > 0 && typeof callback === 'function'
      ? execute(sql, values, callback as QueryCallback)
      : query(...[sql, values, callback].filter((arg) => arg !== undefined));
  connection[PREPARED] = true;
  return connection;
}

/** The pool Kysely draws connections from, handing out connections that bind (above). */
function preparingPool(pool: Pool) {
  return {
    getConnection(callback: (error: NodeJS.ErrnoException | null, connection: RawConnection) => void) {
      pool.getConnection((error, connection) => callback(error, error ? connection : executeWithValues(connection)));
    },
    end(callback: (error: NodeJS.ErrnoException | null) => void) {
      pool.end(callback);
    },
  };
}

type KyselyConnection = {
  mapOptions(overrides: Record<string, unknown>): Record<string, unknown>;
  createKyselyDialect: (overrides: Record<string, unknown>) => Promise<MysqlDialect>;
  options: Record<string, unknown>;
  config: { get(key: string): unknown };
};

/** MikroORM's MySQL driver, whose connection binds every value (above; bound-parameters.ts writes the placeholders). */
export class PreparedMySqlDriver extends MySqlDriver {
  constructor(...args: ConstructorParameters<typeof MySqlDriver>) {
    super(...args);
    const connection = this.connection as unknown as KyselyConnection;
    connection.createKyselyDialect = async function createKyselyDialect(this: KyselyConnection, overrides) {
      const options = { maxPreparedStatements: PREPARED_STATEMENTS_PER_CONNECTION, ...this.mapOptions(overrides) };
      const hook = (name: string) => (this.options[name] ?? this.config.get(name)) as undefined;
      return new MysqlDialect({
        pool: preparingPool(createPool(options)) as never,
        controlConnection: createConnection as never,
        onCreateConnection: hook('onCreateConnection'),
        onReserveConnection: hook('onReserveConnection'),
      });
    };
    bindConnectionParameters(connection, 'mysql');
  }
}
