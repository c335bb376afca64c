import { mkdirSync } from 'node:fs';
import { type AnyEntity, DriverException, type EntityClass, type EntitySchema } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { type AbstractSqlDriver, type MikroORM, type SqlEntityManager, SqliteDriver, SqlMikroORM } from '@mikro-orm/sql';
import { createConnection } from 'mysql2/promise';
import type { Config } from '../config/config.ts';
import { OutboxEventEntity } from '../events/outbox.entity.ts';
import { ProcessedEventEntity } from '../events/processed-events.ts';
import { bindConnectionParameters } from './bound-parameters.ts';
import type { GtidPosition } from './gtid-position.ts';
import {
  assertMigrated,
  MIGRATIONS_TABLE,
  type MigrationClass,
  mysqlDatabaseOf,
  mysqlServerUrl,
  sqliteFileOf,
  withKitMigrations,
} from './migrations.ts';
import { Mutex } from './mutex.ts';
import { PreparedMySqlDriver } from './mysql-prepared.ts';
import { type ReadRouting, readOnly } from './read-replicas.ts';
import { cachingSqliteDialect } from './sqlite-statements.ts';
import { countingLoggerFactory } from './statement-count.ts';

export type EntityManager = SqlEntityManager;
export type Dialect = 'sqlite' | 'mysql';
type AnyEntityDefinition = EntityClass<AnyEntity> | EntitySchema;

export type DatabaseOptions = {
  /** The subgraph that owns this database: it names the SQLite file or the MySQL database. */
  name: string;
  entities: readonly AnyEntityDefinition[];
  /** Committed migrations, in order; each sets a stable `name`. */
  migrations: readonly MigrationClass[];
  /** Called with every SQL statement; tests count statements with it. */
  onQuery?: (sql: string) => void;
  /**
   * What opening does about pending migrations: `migrate` applies them,
   * `verify` refuses (PendingMigrationsError) before writing anything,
   * `as-is` leaves them to the caller (scripts/migrate.ts). Default: `migrate`
   * when `config.migrateOnStart`, else `verify`.
   */
  schema?: 'migrate' | 'verify' | 'as-is';
};

/**
 * One subgraph's database: MikroORM on SQLite (`node:sqlite`, no native code)
 * by default, or on MySQL/MariaDB when MYSQL_URL is set. The same committed
 * migrations run on both, at start.
 */
export type Database = {
  readonly dialect: Dialect;
  readonly orm: MikroORM<AbstractSqlDriver, EntityManager>;
  /** A fresh EntityManager for one request or one job. */
  fork(): EntityManager;
  /**
   * Runs `work` in one transaction and commits when it returns. SQLite has one
   * writer and one shared connection here, so transactions are serialized in
   * process; MySQL runs them concurrently with row locks.
   */
  transaction<T>(em: EntityManager, work: (em: EntityManager) => Promise<T>): Promise<T>;
  /** Raw SQL on the connection (the primitive for atomic conditional updates). */
  execute<T = Record<string, unknown>>(em: EntityManager, sql: string, params?: unknown[]): Promise<T[]>;
  /** Raw SQL that changes rows; resolves with how many it changed (1 or 0 is how a conditional update answers). */
  run(em: EntityManager, sql: string, params?: unknown[]): Promise<number>;
  /** A date as raw SQL parameters must carry it: epoch milliseconds on SQLite (how MikroORM stores them there), a Date on MySQL. */
  sqlDate(date: Date): number | Date;
  /** `insert ... ` that skips a row whose key exists, in this dialect's words. */
  readonly insertIgnore: string;
  /** Calls `listener` after every committed transaction (the outbox relay runs then); returns the unsubscribe. */
  afterCommit(listener: () => void): () => void;
  /**
   * Runs a caller's request (`caller` names them: same caller, same string):
   * with read replicas (MYSQL_REPLICA_URLS), its reads outside transactions
   * may go to a replica that holds the caller's own writes (read-replicas.ts).
   * Without, it just runs `work`. `forwarded` is the position the router
   * remembers from the caller's writes at other instances of this subgraph:
   * a replica serves their reads only once it has reached that too.
   */
  readingFor<T>(caller: string, work: () => T, forwarded?: GtidPosition): T;
  /** With read replicas, the primary's position after the current request's last write (for the router); else undefined. */
  writtenPosition(): GtidPosition | undefined;
  /** Resolves when the database answers; `/health` uses it. */
  ping(): Promise<void>;
  close(): Promise<void>;
};

export async function openDatabase(config: Config, options: DatabaseOptions): Promise<Database> {
  const dialect: Dialect = config.mysqlUrl ? 'mysql' : 'sqlite';
  const schema = options.schema ?? (config.migrateOnStart ? 'migrate' : 'verify');
  // Checked before the file or database is created, so a refused start leaves no trace.
  if (schema === 'verify') await assertMigrated(config, options);
  const logging = options.onQuery
    ? {
        debug: ['query' as const],
        colors: false,
        logger: (message: string) => {
          const match = /^\[query\] (.*?)(?: \[took .*)?$/s.exec(message);
          if (match?.[1]) options.onQuery?.(match[1]);
        },
      }
    : { debug: false };
  const common = {
    // Every subgraph gets the kit's outbox, migrated before its own tables.
    entities: [OutboxEventEntity, ProcessedEventEntity, ...options.entities],
    extensions: [Migrator],
    migrations: {
      migrationsList: withKitMigrations(options.migrations),
      snapshot: false,
      silent: true,
      tableName: MIGRATIONS_TABLE,
    },
    allowGlobalContext: false,
    // Counts every statement sent (statement-count.ts); it logs exactly as MikroORM's default logger.
    loggerFactory: countingLoggerFactory,
    ...logging,
  };

  let orm: MikroORM<AbstractSqlDriver, EntityManager>;
  if (config.mysqlUrl) {
    const dbName = mysqlDatabaseOf(config, options.name);
    await createMysqlDatabase(config.mysqlUrl, dbName);
    orm = await SqlMikroORM.init<AbstractSqlDriver, EntityManager>({
      ...common,
      // Every value goes to the server bound to a prepared statement, never written into the SQL (mysql-prepared.ts).
      driver: PreparedMySqlDriver,
      clientUrl: mysqlServerUrl(config.mysqlUrl),
      dbName,
      // DATETIME(3) columns hold UTC; the session time zone keeps MySQL from shifting them.
      timezone: '+00:00',
      pool: { min: 0, max: 10 },
      replicas: config.mysqlReplicaUrls.map((url) => ({ clientUrl: mysqlServerUrl(url), dbName })),
      // Reads outside transactions ask for the read connection; PreparedMySqlDriver gives the routing's choice.
      preferReadReplicas: true,
    });
  } else {
    mkdirSync(config.dataDir, { recursive: true });
    const file = sqliteFileOf(config, options.name);
    orm = await SqlMikroORM.init<AbstractSqlDriver, EntityManager>({
      ...common,
      driver: SqliteDriver,
      dbName: file,
      // Keeps statements prepared between calls (sqlite-statements.ts says why).
      driverOptions: cachingSqliteDialect(file),
    });
    const connection = orm.em.getConnection();
    bindConnectionParameters(connection, 'sqlite');
    // WAL lets readers in other processes (a second subgraph instance) read while one writes.
    await connection.execute('pragma journal_mode = wal');
    await connection.execute('pragma foreign_keys = on');
    await connection.execute('pragma busy_timeout = 5000');
  }

  if (schema === 'migrate') await orm.migrator.up();
  const routing = readRouting(config, orm);
  // A flush outside db.transaction commits in a transaction of its own: a write the caller must read back too.
  if (routing) {
    orm.em.getEventManager().registerSubscriber({
      afterFlush: async ({ em, uow }) => {
        if (!em.isInTransaction() && uow.getChangeSets().length > 0) await routing.wrote();
      },
    });
  }

  const writer = new Mutex();
  const commitListeners = new Set<() => void>();
  /**
   * Raw statements fail with the driver's own error (mysql2's ER_LOCK_DEADLOCK,
   * ER_DUP_ENTRY); MikroORM's converter turns it into the typed exception
   * (DeadlockException, UniqueConstraintViolationException) that
   * retryOnLockConflict and callers' catch blocks recognise, as for ORM writes.
   */
  const typed = (error: unknown): unknown => {
    if (!(error instanceof Error) || error instanceof DriverException || !('errno' in error || 'code' in error)) return error;
    try {
      return orm.em.getDriver().convertException(error);
    } catch {
      return error;
    }
  };
  const transactional = <T>(em: EntityManager, work: (em: EntityManager) => Promise<T>) =>
    em.transactional((tx) => work(tx as EntityManager));
  return {
    dialect,
    orm,
    fork: () => orm.em.fork() as EntityManager,
    async transaction(em, work) {
      const result = await (dialect === 'sqlite' ? writer.run(() => transactional(em, work)) : transactional(em, work));
      await routing?.wrote();
      // Listeners start background work (the outbox relay), which reads the primary whoever's request committed.
      const notify = () => {
        for (const listener of commitListeners) listener();
      };
      if (routing) routing.outsideRequests(notify);
      else notify();
      return result;
    },
    afterCommit(listener) {
      commitListeners.add(listener);
      return () => commitListeners.delete(listener);
    },
    sqlDate: (date) => (dialect === 'sqlite' ? date.getTime() : date),
    insertIgnore: dialect === 'sqlite' ? 'insert or ignore into' : 'insert ignore into',
    async run(em, sql, params = []) {
      try {
        const result = (await em.getConnection().execute(sql, params, 'run', em.getTransactionContext())) as { affectedRows: number };
        if (!em.getTransactionContext()) await routing?.wrote();
        return result.affectedRows;
      } catch (error) {
        throw typed(error);
      }
    },
    async execute<T>(em: EntityManager, sql: string, params: unknown[] = []) {
      try {
        return (await em.getConnection(readOnly(em, sql)).execute(sql, params, 'all', em.getTransactionContext())) as T[];
      } catch (error) {
        throw typed(error);
      }
    },
    ping: async () => {
      await orm.em.getConnection().execute('select 1');
    },
    readingFor: (caller, work, forwarded) => (routing ? routing.readingFor(caller, work, forwarded) : work()),
    writtenPosition: () => routing?.writtenPosition(),
    async close() {
      await routing?.stop();
      await orm.close(true);
    },
  };
}

function readRouting(config: Config, orm: MikroORM<AbstractSqlDriver, EntityManager>): ReadRouting | undefined {
  const driver = orm.em.getDriver();
  if (!(driver instanceof PreparedMySqlDriver)) return undefined;
  return driver.routeReads({ maxLagSeconds: config.mysqlReplicaMaxLagSeconds, checkIntervalMs: config.mysqlReplicaCheckMs });
}

async function createMysqlDatabase(url: string, dbName: string): Promise<void> {
  const connection = await createConnection({ uri: mysqlServerUrl(url) });
  try {
    await connection.query(`create database if not exists \`${dbName}\` character set utf8mb4 collate utf8mb4_unicode_ci`);
  } finally {
    await connection.end();
  }
}

/** Drops a subgraph's MySQL database; test harnesses use it to leave the server as they found it. */
export async function dropMysqlDatabase(url: string, dbName: string): Promise<void> {
  const connection = await createConnection({ uri: mysqlServerUrl(url) });
  try {
    await connection.query(`drop database if exists \`${dbName}\``);
  } finally {
    await connection.end();
  }
}
