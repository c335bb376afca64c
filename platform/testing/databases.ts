import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Config, loadConfig, SUBGRAPH_NAMES } from '../config/config.ts';
import { dropMysqlDatabase } from '../db/database.ts';

/**
 * The databases a persistence suite runs on: SQLite always, MySQL/MariaDB
 * when MYSQL_URL is set (docs/architecture.md §7). A suite told to use MySQL that cannot
 * reach it fails; without MYSQL_URL the MySQL variant is reported as skipped
 * with the reason, never silently passed.
 */
export type DatabaseTarget = { label: 'SQLite' | 'MySQL'; mysqlUrl: string | undefined };

export function databaseTargets(): DatabaseTarget[] {
  const targets: DatabaseTarget[] = [{ label: 'SQLite', mysqlUrl: undefined }];
  if (process.env.MYSQL_URL) targets.push({ label: 'MySQL', mysqlUrl: process.env.MYSQL_URL });
  return targets;
}

/** Registers a skipped test that says why the MySQL variant did not run. */
export function reportSkippedMysql(): void {
  if (!process.env.MYSQL_URL) it.skip('on MySQL: not run, because MYSQL_URL is not set', () => undefined);
}

export type TestEnvironment = { config: Config; cleanup(): Promise<void> };

/**
 * A fresh configuration for one test: its own DATA_DIR and, on MySQL, its own
 * databases (a random prefix), removed again by `cleanup`.
 */
export function testEnvironment(target: DatabaseTarget, extra: Record<string, string> = {}): TestEnvironment {
  const dataDir = mkdtempSync(join(tmpdir(), 'commerce-test-'));
  const prefix = `t${randomBytes(4).toString('hex')}_`;
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    SEED_DEMO_DATA: 'false',
    // Suites fire many requests as one member; the rate-limit suites set their own limits.
    PARTNER_RATE_LIMIT_PER_MINUTE: '0',
    MEMBER_RATE_LIMIT_PER_MINUTE: '0',
    ...(target.mysqlUrl ? { MYSQL_URL: target.mysqlUrl, MYSQL_DATABASE_PREFIX: prefix } : {}),
    // `ENTITY_CACHE=off npm test` runs every suite with the router's entity cache off: the answers must be the same.
    ...(process.env.ENTITY_CACHE ? { ENTITY_CACHE: process.env.ENTITY_CACHE } : {}),
    // A system given REDIS_URL keeps its entity cache apart from every other test's in the same Redis.
    ENTITY_CACHE_REDIS_PREFIX: `test:${prefix}entity:`,
    // A system given AMQP_URL has its own exchange and queues: no other test's events reach it, and the broker
    // deletes its queues ten minutes after the system is gone.
    AMQP_EXCHANGE: `test.${prefix}events`,
    AMQP_QUEUE_EXPIRY_SECONDS: '600',
    ...extra,
  });
  return {
    config,
    async cleanup() {
      rmSync(dataDir, { recursive: true, force: true });
      if (target.mysqlUrl) {
        for (const name of SUBGRAPH_NAMES) await dropMysqlDatabase(target.mysqlUrl, `${prefix}${name}`);
      }
    },
  };
}
