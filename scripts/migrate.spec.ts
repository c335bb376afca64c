import { type ChildProcess, spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { type Config, loadConfig } from '../platform/config/config.ts';
import {
  migrationName,
  mysqlDatabaseOf,
  mysqlServerUrl,
  pendingMigrations,
  sqliteFileOf,
  withKitMigrations,
} from '../platform/db/migrations.ts';
import { databaseTargets, reportSkippedMysql, type TestEnvironment, testEnvironment } from '../platform/testing/databases.ts';
import { subgraphDefinitions } from './subgraphs.ts';

/**
 * `npm run migrate` and a production subgraph's start, as real processes
 * with the environment an operator gives them: the start refuses a database
 * that is behind, the migration brings it up to date, and the start then serves.
 */

const ROOT = join(import.meta.dirname, '..');
const definitionOf = (name: string) => subgraphDefinitions.find((definition) => definition.name === name)!;
const migrationsOf = (name: string) => withKitMigrations(definitionOf(name).migrations).map(migrationName);

type Finished = { code: number | null; stdout: string; stderr: string };

function run(args: string[], env: Record<string, string>): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Starts a long-running process and resolves with it and the first stdout line matching `ready`. */
function start(args: string[], env: Record<string, string>, ready: RegExp): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const match = ready.exec(stdout);
      if (match) resolve({ child, match });
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('close', (code) => reject(new Error(`exited with ${code} before it was ready: ${stderr || stdout}`)));
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

async function databaseExists(config: Config, name: string): Promise<boolean> {
  if (!config.mysqlUrl) return existsSync(sqliteFileOf(config, name));
  const connection = await createConnection({ uri: mysqlServerUrl(config.mysqlUrl) });
  try {
    const [rows] = await connection.query('select 1 from information_schema.schemata where schema_name = ?', [
      mysqlDatabaseOf(config, name),
    ]);
    return (rows as unknown[]).length > 0;
  } finally {
    await connection.end();
  }
}

describe.each(databaseTargets())('npm run migrate and a production start on $label', (target) => {
  let env: TestEnvironment;
  let processEnv: Record<string, string>;
  let production: Config;

  beforeAll(() => {
    env = testEnvironment(target);
    const jwtPublicKey = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    processEnv = {
      DATA_DIR: env.config.dataDir,
      ...(target.mysqlUrl ? { MYSQL_URL: target.mysqlUrl, MYSQL_DATABASE_PREFIX: env.config.mysqlDatabasePrefix } : {}),
    };
    const productionEnv = {
      ...processEnv,
      NODE_ENV: 'production',
      INTERNAL_AUTH_SECRET: randomBytes(32).toString('hex'),
      JWT_PUBLIC_KEY: jwtPublicKey,
      CATALOGUE_PORT: '0',
    };
    production = loadConfig(productionEnv);
    processEnv = productionEnv;
  });
  afterAll(async () => {
    await env?.cleanup();
  });

  it('refuses a production start on an un-migrated database with one line, and writes nothing', async () => {
    const result = await run(['subgraphs/catalogue/index.ts'], processEnv);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      `catalogue refuses to start: its database is behind this release by ${migrationsOf('catalogue').length} migrations ` +
        `(${migrationsOf('catalogue').join(', ')}); run \`npm run migrate -- catalogue\` (in the image: node scripts/migrate.ts catalogue) first`,
    ]);
    expect(await databaseExists(production, 'catalogue')).toBe(false);
  });

  it('migrates the subgraphs it is given, printing each migration it applies, and no other', async () => {
    const result = await run(['scripts/migrate.ts', 'catalogue', 'stock'], processEnv);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    const lines = result.stdout.trim().split('\n');
    for (const name of ['catalogue', 'stock']) {
      expect(lines).toContain(`${name}: ${migrationsOf(name).length} pending (${migrationsOf(name).join(', ')})`);
      for (const migration of migrationsOf(name)) expect(lines).toContain(`${name}: applied ${migration}`);
      expect(lines).toContain(`${name}: done, applied ${migrationsOf(name).length} (${migrationsOf(name).length} in all)`);
      expect(await pendingMigrations(production, definitionOf(name))).toEqual([]);
    }
    const applied = migrationsOf('catalogue').length + migrationsOf('stock').length;
    expect(lines.at(-1)).toBe(`migrated 2 subgraphs, ${applied} migrations applied`);
    expect(await databaseExists(production, 'orders')).toBe(false);
  });

  it('applies nothing when run again', async () => {
    const result = await run(['scripts/migrate.ts', 'catalogue', 'stock'], processEnv);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`catalogue: up to date (${migrationsOf('catalogue').length} migrations applied earlier)`);
    expect(result.stdout).not.toContain('applied 0');
    expect(result.stdout.trim().split('\n').at(-1)).toBe('migrated 2 subgraphs, 0 migrations applied');
  });

  it('starts the migrated subgraph in production, which then answers /health', async () => {
    const { child, match } = await start(['subgraphs/catalogue/index.ts'], processEnv, /^catalogue\s+(http:\/\/\S+)\/graphql$/m);
    try {
      const response = await fetch(`${match[1]}/health`);
      expect(response.status).toBe(200);
    } finally {
      await stop(child);
    }
  });

  it('names a subgraph that does not exist and migrates nothing', async () => {
    const result = await run(['scripts/migrate.ts', 'orders', 'warehouse'], processEnv);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(
      'no subgraph named warehouse; the subgraphs are catalogue, stock, orders, members, payments, invoices',
    );
    expect(await databaseExists(production, 'orders')).toBe(false);
  });
});

describe('npm run migrate and a production start on MySQL', () => reportSkippedMysql());
