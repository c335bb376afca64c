import { existsSync } from 'node:fs';
import { Migration } from '@mikro-orm/migrations';
import { createConnection } from 'mysql2/promise';
import type { Config } from '../config/config.ts';
import { databaseTargets, reportSkippedMysql, type TestEnvironment, testEnvironment } from '../testing/databases.ts';
import { ProbeEntity } from '../testing/probe-entity.ts';
import { type Database, openDatabase } from './database.ts';
import { migrateSubgraphDatabase } from './migrate.ts';
import {
  type MigrationClass,
  migrationName,
  mysqlDatabaseOf,
  mysqlServerUrl,
  PendingMigrationsError,
  pendingMigrations,
  sqliteFileOf,
  withKitMigrations,
} from './migrations.ts';

class ShelfMigration extends Migration {
  override name = '0001-test-shelf';
  override up(): void {
    this.addSql('create table shelf (id varchar(36) not null primary key)');
  }
}

class BinMigration extends Migration {
  override name = '0002-test-bin';
  override up(): void {
    this.addSql('create table bin (id varchar(36) not null primary key)');
  }
}

const KIT = withKitMigrations([]).map(migrationName);
const target = (migrations: MigrationClass[]) => ({ name: 'stock', entities: [ProbeEntity], migrations });

async function mysqlDatabaseExists(config: Config, name: string): Promise<boolean> {
  const connection = await createConnection({ uri: mysqlServerUrl(config.mysqlUrl!) });
  try {
    const [rows] = await connection.query('select 1 from information_schema.schemata where schema_name = ?', [
      mysqlDatabaseOf(config, name),
    ]);
    return (rows as unknown[]).length > 0;
  } finally {
    await connection.end();
  }
}

/** Whether the subgraph's database exists at all: the SQLite file, or the MySQL database. */
const databaseExists = (config: Config, name: string) =>
  config.mysqlUrl ? mysqlDatabaseExists(config, name) : Promise.resolve(existsSync(sqliteFileOf(config, name)));

async function tableExists(db: Database, table: string): Promise<boolean> {
  const sql =
    db.dialect === 'sqlite'
      ? "select name from sqlite_master where type = 'table' and name = ?"
      : 'select table_name from information_schema.tables where table_schema = database() and table_name = ?';
  return (await db.execute(db.fork(), sql, [table])).length > 0;
}

describe.each(databaseTargets())('migrations as a separate step on $label', (database) => {
  let env: TestEnvironment;
  let verifying: Config;

  beforeEach(() => {
    env = testEnvironment(database);
    verifying = { ...env.config, migrateOnStart: false };
  });
  afterEach(async () => {
    await env.cleanup();
  });

  it('refuses to open a database that was never migrated, names what is pending, and creates nothing', async () => {
    const opening = openDatabase(verifying, target([ShelfMigration]));
    await expect(opening).rejects.toThrow(PendingMigrationsError);
    await expect(opening).rejects.toThrow(
      `stock refuses to start: its database is behind this release by ${KIT.length + 1} migrations (${[...KIT, '0001-test-shelf'].join(', ')}); run \`npm run migrate -- stock\``,
    );
    expect(await databaseExists(env.config, 'stock')).toBe(false);
  });

  it('applies every pending migration once, reporting each, and a second run applies nothing', async () => {
    const lines: string[] = [];
    const first = await migrateSubgraphDatabase(env.config, target([ShelfMigration]), (line) => lines.push(line));
    expect(first).toEqual({ subgraph: 'stock', applied: [...KIT, '0001-test-shelf'], total: KIT.length + 1 });
    expect(lines).toEqual([
      `stock: ${KIT.length + 1} pending (${[...KIT, '0001-test-shelf'].join(', ')})`,
      ...[...KIT, '0001-test-shelf'].map((name) => `stock: applied ${name}`),
    ]);
    expect(await pendingMigrations(env.config, target([ShelfMigration]))).toEqual([]);

    const again: string[] = [];
    expect(await migrateSubgraphDatabase(env.config, target([ShelfMigration]), (line) => again.push(line))).toEqual({
      subgraph: 'stock',
      applied: [],
      total: KIT.length + 1,
    });
    expect(again).toEqual([]);

    // Migrated, a start that only verifies opens it and serves.
    const db = await openDatabase(verifying, target([ShelfMigration]));
    try {
      expect(await tableExists(db, 'shelf')).toBe(true);
    } finally {
      await db.close();
    }
  });

  it('refuses a database one migration behind, naming only that one, and leaves it as it was', async () => {
    await migrateSubgraphDatabase(env.config, target([ShelfMigration]));
    await expect(openDatabase(verifying, target([ShelfMigration, BinMigration]))).rejects.toThrow(
      'behind this release by 1 migration (0002-test-bin); run `npm run migrate -- stock`',
    );
    const db = await openDatabase(env.config, { ...target([ShelfMigration, BinMigration]), schema: 'as-is' });
    try {
      expect(await tableExists(db, 'bin')).toBe(false);
    } finally {
      await db.close();
    }

    const report = await migrateSubgraphDatabase(env.config, target([ShelfMigration, BinMigration]));
    expect(report.applied).toEqual(['0002-test-bin']);
    expect(await pendingMigrations(env.config, target([ShelfMigration, BinMigration]))).toEqual([]);
  });

  it('still migrates at start when MIGRATE_ON_START is on (development, tests, npm start)', async () => {
    expect(env.config.migrateOnStart).toBe(true);
    const db = await openDatabase(env.config, target([ShelfMigration]));
    try {
      expect(await tableExists(db, 'shelf')).toBe(true);
    } finally {
      await db.close();
    }
    expect(await pendingMigrations(env.config, target([ShelfMigration]))).toEqual([]);
  });

  (database.mysqlUrl ? it : it.skip)('lets migrators started together take turns, so each migration is applied once', async () => {
    const reports = await Promise.all([1, 2, 3].map(() => migrateSubgraphDatabase(env.config, target([ShelfMigration, BinMigration]))));
    expect(reports.flatMap((report) => report.applied).sort()).toEqual([...KIT, '0001-test-shelf', '0002-test-bin'].sort());
    for (const report of reports) expect(report.total).toBe(KIT.length + 2);
  });
});

describe('migrations as a separate step on MySQL', () => reportSkippedMysql());
