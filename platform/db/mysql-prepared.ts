import type { ConnectionType } from '@mikro-orm/core';
import { type MySqlConnection as Connection, MySqlDriver } from '@mikro-orm/mysql';
import { MysqlDialect } from 'kysely';
import { createConnection, createPool, type Pool, type PoolConnection } from 'mysql2';
import { bindConnectionParameters } from './bound-parameters.ts';
import { ReadRouting, type ReplicaOptions } from './read-replicas.ts';

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

/** Makes a MikroORM connection's pool hand out connections that bind every value (above). */
function bindEveryValue(connection: KyselyConnection): void {
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

/**
 * MikroORM's MySQL driver, whose connections bind every value (above;
 * bound-parameters.ts writes the placeholders). With read replicas, which one
 * a read uses is the routing's choice (read-replicas.ts), and a read a replica
 * fails is run again on the primary.
 */
export class PreparedMySqlDriver extends MySqlDriver {
  routing: ReadRouting | undefined;
  /** Each replica's own `execute`, without the failover: the routing's checks must see the replica's answer. */
  readonly direct = new Map<Connection, (sql: string) => Promise<unknown>>();

  constructor(...args: ConstructorParameters<typeof MySqlDriver>) {
    super(...args);
    bindEveryValue(this.connection as unknown as KyselyConnection);
    for (const replica of this.replicas) {
      bindEveryValue(replica as unknown as KyselyConnection);
      this.#failOverToPrimary(replica);
    }
  }

  /** Starts routing reads among the configured replicas; undefined when there are none. */
  routeReads(options: ReplicaOptions): ReadRouting | undefined {
    if (this.replicas.length === 0) return undefined;
    const replicas = this.replicas.map((connection) => ({ connection, query: this.direct.get(connection)! }));
    this.routing = new ReadRouting(this.connection, replicas, options);
    this.routing.start();
    return this.routing;
  }

  override getConnection(type: ConnectionType = 'write'): Connection {
    if (type === 'write' || !this.routing) return this.connection;
    return this.routing.readConnection();
  }

  #failOverToPrimary(replica: Connection): void {
    const onReplica = replica.execute.bind(replica) as (...args: unknown[]) => Promise<unknown>;
    this.direct.set(replica, (sql) => onReplica(sql));
    (replica as { execute: unknown }).execute = async (...args: unknown[]) => {
      try {
        return await onReplica(...args);
      } catch (error) {
        if (!this.routing) throw error;
        const answer = await (this.connection.execute as (...args: unknown[]) => Promise<unknown>)(...args);
        this.routing.failed(replica);
        return answer;
      }
    };
  }
}
