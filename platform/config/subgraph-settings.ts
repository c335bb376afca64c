import type { CommonConfig } from './common.ts';
import { declareSettings, flag, outsideProduction, setting, text, url, wholeNumber } from './env.ts';

/**
 * The settings every subgraph reads besides the common ones: its database
 * (SQLite under DATA_DIR, or its own database on a MySQL/MariaDB server),
 * which `npm run migrate` reads too, and what happens to the database at
 * start. The event bus's settings are in event-bus-settings.ts, because the
 * router reads them too.
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
/** At most this many replicas per subgraph: each holds a connection pool and is checked on a timer. */
const MAX_REPLICAS = 8;
const mysqlReplicaUrls = setting<readonly string[]>(
  'MYSQL_REPLICA_URLS',
  `comma-separated mysql or mariadb URLs, at most ${MAX_REPLICAS}`,
  [],
  {
    defaultText: 'unset (every read on MYSQL_URL)',
    description:
      'Read replicas of MYSQL_URL (e.g. `mysql://reader@replica-1:3306/,mysql://reader@replica-2:3306/`; same database names). ' +
      "A caller's reads outside transactions go to one that already holds the caller's own writes, else to the primary; " +
      'writes, reads inside transactions and background work use the primary. A replica that fails, stops replicating or lags ' +
      'is skipped until its next good check (see Read replicas in docs/architecture.md).',
  },
  (value, problem) => {
    const urls = value
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean);
    if (urls.length > MAX_REPLICAS) {
      problem(`MYSQL_REPLICA_URLS may name at most ${MAX_REPLICAS} replicas; received ${urls.length}`);
      return undefined;
    }
    for (const text of urls) {
      let protocol = '';
      try {
        protocol = new URL(text).protocol;
      } catch {}
      if (protocol !== 'mysql:' && protocol !== 'mariadb:') {
        problem(`MYSQL_REPLICA_URLS must hold mysql: or mariadb: URLs; received "${text}"`);
        return undefined;
      }
    }
    return urls;
  },
);
const mysqlReplicaMaxLagSeconds = wholeNumber('MYSQL_REPLICA_MAX_LAG_SECONDS', {
  default: 10,
  min: 0,
  max: 86_400,
  unit: 'seconds',
  description:
    'A replica further behind than this (Seconds_Behind_Master), or whose replication is stopped, gets no reads until it ' +
    "catches up. `0`: no bound (stopped replicas too keep serving reads; a caller's own writes still come from the primary).",
});
const mysqlReplicaCheckMs = wholeNumber('MYSQL_REPLICA_CHECK_MS', {
  default: 1000,
  min: 20,
  max: 60_000,
  unit: 'milliseconds',
  description:
    "How often each replica's health, lag and applied GTID position are checked. A caller who wrote reads from the primary " +
    'until a check sees a replica hold their write, so this is also how soon their reads return to replicas.',
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
  /** MYSQL_REPLICA_URLS: read replicas of MYSQL_URL (read-replicas.ts routes reads to them). */
  mysqlReplicaUrls: readonly string[];
  /** MYSQL_REPLICA_MAX_LAG_SECONDS: a replica further behind gets no reads; 0, no bound. */
  mysqlReplicaMaxLagSeconds: number;
  /** MYSQL_REPLICA_CHECK_MS: how often each replica's health, lag and position are checked. */
  mysqlReplicaCheckMs: number;
};

export type SubgraphCommonConfig = {
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
  settings: [mysqlUrl, mysqlDatabasePrefix, mysqlReplicaUrls, mysqlReplicaMaxLagSeconds, mysqlReplicaCheckMs],
  build: (read) => ({
    mysqlUrl: read(mysqlUrl),
    mysqlDatabasePrefix: read(mysqlDatabasePrefix),
    mysqlReplicaUrls: read(mysqlReplicaUrls),
    mysqlReplicaMaxLagSeconds: read(mysqlReplicaMaxLagSeconds),
    mysqlReplicaCheckMs: read(mysqlReplicaCheckMs),
  }),
});

export const subgraphCommonSettings = declareSettings<CommonConfig, SubgraphCommonConfig>({
  readBy: 'every subgraph',
  settings: [seedDemoData, migrateOnStart, replayWindowSeconds, replayWindowEvents],
  build: (read) => ({
    seedDemoData: read(seedDemoData),
    migrateOnStart: read(migrateOnStart),
    replayWindowSeconds: read(replayWindowSeconds),
    replayWindowEvents: read(replayWindowEvents),
  }),
});
