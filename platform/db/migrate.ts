import { createConnection } from 'mysql2/promise';
import type { Config } from '../config/config.ts';
import { type DatabaseOptions, openDatabase } from './database.ts';
import { mysqlDatabaseOf, mysqlServerUrl, pendingMigrations } from './migrations.ts';

export type MigrationProgress = (line: string) => void;

/** What one `migrate` did to one subgraph's database. */
export type MigrationReport = { subgraph: string; applied: string[]; total: number };

/** How long a second migrator waits for the first one on the same MySQL database. */
const LOCK_TIMEOUT_SECONDS = 600;

/**
 * Brings one subgraph's database up to this release: creates it if missing
 * and applies every pending migration in order, reporting each as it lands.
 *
 * On MySQL a named lock per database is held meanwhile, so migrators started
 * together (an init container in each of several pods) take turns: the
 * first applies, the others then find nothing pending. MySQL commits DDL as it
 * goes, so two running the same migration at once could leave it half done.
 */
export async function migrateSubgraphDatabase(
  config: Config,
  options: Pick<DatabaseOptions, 'name' | 'entities' | 'migrations'>,
  progress: MigrationProgress = () => undefined,
): Promise<MigrationReport> {
  const release = config.mysqlUrl ? await lockMysqlDatabase(config.mysqlUrl, mysqlDatabaseOf(config, options.name)) : undefined;
  try {
    const pending = await pendingMigrations(config, options);
    const db = await openDatabase(config, { ...options, schema: 'as-is' });
    try {
      if (pending.length > 0) progress(`${options.name}: ${pending.length} pending (${pending.join(', ')})`);
      db.orm.migrator.on('migrated', ({ name }) => progress(`${options.name}: applied ${name}`));
      const applied = (await db.orm.migrator.up()).map((migration) => migration.name);
      const total = (await db.orm.migrator.getExecuted()).length;
      return { subgraph: options.name, applied, total };
    } finally {
      await db.close();
    }
  } finally {
    await release?.();
  }
}

async function lockMysqlDatabase(url: string, database: string): Promise<() => Promise<void>> {
  const connection = await createConnection({ uri: mysqlServerUrl(url) });
  // Lock names are server-wide and at most 64 characters.
  const name = `migrate:${database}`.slice(0, 64);
  try {
    const [rows] = await connection.query('select get_lock(?, ?) as granted', [name, LOCK_TIMEOUT_SECONDS]);
    if (Number((rows as { granted: unknown }[])[0]?.granted) !== 1) {
      throw new Error(`another migration of ${database} held its lock for ${LOCK_TIMEOUT_SECONDS} s; is one stuck?`);
    }
  } catch (error) {
    await connection.end();
    throw error;
  }
  return async () => {
    try {
      await connection.query('select release_lock(?)', [name]);
    } finally {
      await connection.end();
    }
  };
}
