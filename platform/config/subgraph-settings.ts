import type { CommonConfig } from './common.ts';
import { declareSettings, flag, outsideProduction, text, url, wholeNumber } from './env.ts';

/**
 * The settings every subgraph reads besides the common ones: its database
 * (SQLite under DATA_DIR, or its own database on a MySQL/MariaDB server),
 * which `npm run migrate` reads too, the event bus, and what happens to the
 * database at start.
 */

const mysqlUrl = url('MYSQL_URL', {
  protocols: ['mysql:', 'mariadb:'],
  defaultText: 'unset (SQLite)',
  description: 'e.g. `mysql://root@127.0.0.1:3306/`; every subgraph then uses its own MySQL/MariaDB database.',
});
const mysqlDatabasePrefix = text('MYSQL_DATABASE_PREFIX', {
  default: 'commerce_',
  pattern: /^[A-Za-z0-9_]{0,40}$/,
  rule: 'may hold only letters, digits and _ (at most 40)',
  accepts: 'letters, digits and `_`, at most 40',
  description: 'Database name prefix (`commerce_catalogue`, …).',
});
const amqpUrl = url('AMQP_URL', {
  protocols: ['amqp:', 'amqps:'],
  defaultText: 'unset (in-process bus)',
  description:
    'e.g. `amqp://guest:guest@127.0.0.1:5672`: events travel through RabbitMQ (a durable topic exchange `commerce.events`, ' +
    'publisher confirms, manual acks, quorum work queues per consuming service, a dead-letter queue after 5 failed deliveries), ' +
    'so they reach every process of every subgraph. Unset, the in-process bus serves the one process of `npm start`.',
});
const seedDemoData = flag('SEED_DEMO_DATA', {
  default: outsideProduction,
  defaultText: '`true` (`false` in production)',
  description: 'Seed the demo catalogue and stock into empty databases at start.',
});
const migrateOnStart = flag('MIGRATE_ON_START', {
  default: outsideProduction,
  defaultText: '`true` (`false` in production)',
  description:
    'Apply pending migrations when a subgraph starts. Off, a subgraph whose database is behind refuses to start and names ' +
    '`npm run migrate -- <name>`, the step that migrates it (see Migrations).',
});

const replayWindowSeconds = wholeNumber('REPLAY_WINDOW_SECONDS', {
  default: 600,
  min: 1,
  max: 86_400,
  unit: 'seconds',
  description:
    'How long a live subscriber may be away and still resume: a subscription that asks to resume after a position whose next ' +
    'event was published longer ago is refused with `RESYNC_REQUIRED` (reload, then subscribe afresh).',
});
const replayWindowEvents = wholeNumber('REPLAY_WINDOW_EVENTS', {
  default: 10_000,
  min: 1,
  max: 100_000,
  unit: 'events',
  description:
    "How many of a subgraph's events a resuming live subscriber may have missed: further behind the newest position, " +
    'it is refused with `RESYNC_REQUIRED`. One resume reads at most this many events from the outbox.',
});

export type DatabaseConfig = {
  /** MYSQL_URL: MySQL/MariaDB server; each subgraph gets its own database on it. Unset: SQLite. */
  mysqlUrl: string | undefined;
  /** MYSQL_DATABASE_PREFIX: database name = prefix + subgraph name. */
  mysqlDatabasePrefix: string;
};

export type SubgraphCommonConfig = {
  /** AMQP_URL: RabbitMQ carries events between processes; unset, the in-process bus does (one process). */
  amqpUrl: string | undefined;
  /** SEED_DEMO_DATA: seed demo data into empty databases at start (default on, off in production). */
  seedDemoData: boolean;
  /**
   * MIGRATE_ON_START: apply pending migrations when a subgraph opens its database
   * (default on, off in production). Off, a subgraph whose database is behind
   * refuses to start and names `npm run migrate` (scripts/migrate.ts), which a
   * deployment runs before rollout.
   */
  migrateOnStart: boolean;
  /** REPLAY_WINDOW_SECONDS: how long ago the first missed event of a resuming subscriber may have been published. */
  replayWindowSeconds: number;
  /** REPLAY_WINDOW_EVENTS: how many positions behind the newest a resuming subscriber may be. */
  replayWindowEvents: number;
};

export const databaseSettings = declareSettings<CommonConfig, DatabaseConfig>({
  readBy: 'every subgraph, `npm run migrate`',
  settings: [mysqlUrl, mysqlDatabasePrefix],
  build: (read) => ({ mysqlUrl: read(mysqlUrl), mysqlDatabasePrefix: read(mysqlDatabasePrefix) }),
});

export const subgraphCommonSettings = declareSettings<CommonConfig, SubgraphCommonConfig>({
  readBy: 'every subgraph',
  settings: [amqpUrl, seedDemoData, migrateOnStart, replayWindowSeconds, replayWindowEvents],
  build: (read) => ({
    amqpUrl: read(amqpUrl),
    seedDemoData: read(seedDemoData),
    migrateOnStart: read(migrateOnStart),
    replayWindowSeconds: read(replayWindowSeconds),
    replayWindowEvents: read(replayWindowEvents),
  }),
});
