import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { Migration } from '@mikro-orm/migrations';
import { createConnection } from 'mysql2/promise';
import type { Config } from '../config/config.ts';
import { KitOutboxMigration, KitOutboxPositionMigration, KitOutboxTraceContextMigration } from '../events/outbox.entity.ts';
import { KitProcessedEventsMigration } from '../events/processed-events.ts';
import { KitRelayLeaseMigration } from '../events/relay-lease.ts';

/**
 * What a subgraph's database has applied, and what it still needs, without
 * changing anything: production subgraphs check it at start (MIGRATE_ON_START
 * off) and `npm run migrate` (scripts/migrate.ts) reports it.
 */

export type MigrationClass = new (...args: ConstructorParameters<typeof Migration>) => Migration;

/** The table MikroORM records applied migrations in, one row per name. */
export const MIGRATIONS_TABLE = 'schema_migrations';

/**
 * Every subgraph gets the kit's outbox, processed-events and relay-lease tables,
 * migrated before its own. A kit migration added later goes after the last kit
 * one: a database migrated by an earlier release applies it as pending even
 * though the subgraph's own migrations ran before it (the migrator applies
 * whatever it has not recorded, in this order).
 */
export function withKitMigrations(own: readonly MigrationClass[]): MigrationClass[] {
  return [
    KitOutboxMigration,
    KitProcessedEventsMigration,
    KitRelayLeaseMigration,
    KitOutboxPositionMigration,
    KitOutboxTraceContextMigration,
    ...own,
  ];
}

/** The name MikroORM records for a migration: its stable `name`, else the class name. */
export function migrationName(migration: MigrationClass): string {
  return new migration(undefined as never, undefined as never).name ?? migration.name;
}

/** The SQLite file of a subgraph's database. */
export function sqliteFileOf(config: Config, name: string): string {
  return join(config.dataDir, `${name}.sqlite`);
}

export function mysqlDatabaseOf(config: Config, name: string): string {
  return `${config.mysqlDatabasePrefix}${name}`;
}

/** The MySQL server's URL without a database: each subgraph names its own. */
export function mysqlServerUrl(url: string): string {
  const parsed = new URL(url);
  parsed.pathname = '/';
  return parsed.toString();
}

export type MigrationTarget = { name: string; migrations: readonly MigrationClass[] };

/**
 * The migrations this release has that the database has not applied, in
 * order. Read-only: a missing SQLite file or MySQL database is not created
 * (every migration is pending then), nor is the migrations table.
 */
export async function pendingMigrations(config: Config, target: MigrationTarget): Promise<string[]> {
  const applied = new Set(config.mysqlUrl ? await appliedOnMysql(config, target.name) : appliedOnSqlite(config, target.name));
  return withKitMigrations(target.migrations)
    .map(migrationName)
    .filter((name) => !applied.has(name));
}

function appliedOnSqlite(config: Config, name: string): string[] {
  const file = sqliteFileOf(config, name);
  if (!existsSync(file)) return [];
  const sqlite = new DatabaseSync(file, { readOnly: true });
  try {
    const table = sqlite.prepare("select 1 from sqlite_master where type = 'table' and name = ?").get(MIGRATIONS_TABLE);
    if (!table) return [];
    return sqlite
      .prepare(`select name from ${MIGRATIONS_TABLE}`)
      .all()
      .map((row) => String(row.name));
  } finally {
    sqlite.close();
  }
}

async function appliedOnMysql(config: Config, name: string): Promise<string[]> {
  const database = mysqlDatabaseOf(config, name);
  const connection = await createConnection({ uri: mysqlServerUrl(config.mysqlUrl!) });
  try {
    const [tables] = await connection.query('select 1 from information_schema.tables where table_schema = ? and table_name = ?', [
      database,
      MIGRATIONS_TABLE,
    ]);
    if ((tables as unknown[]).length === 0) return [];
    const [rows] = await connection.query(`select name from \`${database}\`.${MIGRATIONS_TABLE}`);
    return (rows as { name: string }[]).map((row) => row.name);
  } finally {
    await connection.end();
  }
}

/** A subgraph whose database is behind this release; the message is the one line an operator needs. */
export class PendingMigrationsError extends Error {
  readonly subgraph: string;
  readonly pending: readonly string[];
  constructor(subgraph: string, pending: readonly string[]) {
    super(
      `${subgraph} refuses to start: its database is behind this release by ${pending.length} migration${pending.length === 1 ? '' : 's'} ` +
        `(${pending.join(', ')}); run \`npm run migrate -- ${subgraph}\` (in the image: node scripts/migrate.ts ${subgraph}) first`,
    );
    this.name = 'PendingMigrationsError';
    this.subgraph = subgraph;
    this.pending = pending;
  }
}

/** Throws PendingMigrationsError when the database lacks a migration of this release; writes nothing. */
export async function assertMigrated(config: Config, target: MigrationTarget): Promise<void> {
  const pending = await pendingMigrations(config, target);
  if (pending.length > 0) throw new PendingMigrationsError(target.name, pending);
}
