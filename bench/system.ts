import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { createConnection } from 'mysql2/promise';
import { loadSecrets, type Secrets } from '../platform/auth/secrets.ts';
import { type Config, loadConfig, SUBGRAPH_NAMES, type SubgraphName } from '../platform/config/config.ts';
import { dropMysqlDatabase } from '../platform/db/database.ts';
import { mysqlServerUrl } from '../platform/db/migrations.ts';
import { statementsExecuted } from '../platform/db/statement-count.ts';
import { createSubgraphServer, type SubgraphServer } from '../platform/graphql/subgraph.ts';
import { subgraphDefinitions } from '../scripts/subgraphs.ts';
import { benchBus } from './cache-bench.ts';
import { benchEnvironment } from './stats.ts';

/**
 * The six real subgraphs for the router benchmark, as the embedded start runs
 * them (scripts/embedded.ts: one process, one in-process bus, SQLite under a
 * fresh DATA_DIR seeded with the demo catalogue) but without a router: each
 * router under test runs in its own child process against these URLs. With
 * `mysqlUrl` each subgraph gets a fresh MariaDB/MySQL database instead, named
 * with a prefix of this run's own and dropped by `close`.
 *
 * The router's per-caller rate limits are off, and its per-caller subscription
 * limit is raised past the fan-out's subscribers: the workloads send thousands
 * of requests a second as a few dozen members and partners, and the fan-out
 * opens its subscriptions as one caller, which is load to measure, not abuse
 * to refuse.
 *
 * `env` is what the children get, so they load the same configuration and,
 * from DATA_DIR, the same development keys.
 */
export type BenchSystem = {
  config: Config;
  secrets: Secrets;
  env: NodeJS.ProcessEnv;
  subgraphUrls: Record<SubgraphName, string>;
  /** HTTP requests the subgraphs have received so far (from routers, and from each other). */
  subgraphRequests(): number;
  /** SQL statements the subgraphs have run so far (all six share this process, so one count covers them). */
  sqlStatements(): number;
  /** Subscriptions the subgraphs have started so far (the routers' upstream subscriptions). */
  subscriptionsStarted(): number;
  /** Which database the subgraphs run on, for the report. */
  database: string;
  /** Why the router with the entity cache on cannot run, if it cannot. */
  cacheNote?: string;
  /** On MySQL, the URL of a subgraph's own database (the write mix measures the database's ceiling on it); null on SQLite. */
  mysqlDatabaseUrl: ((name: SubgraphName) => string) | null;
  close(): Promise<void>;
};

export async function startSubgraphs(options: { mysqlUrl?: string } = {}): Promise<BenchSystem> {
  const prefix = `bench${randomBytes(4).toString('hex')}_`;
  const { dataDir, env } = benchEnvironment('routers', {
    // The heavy workload costs about 125,000 by our router's estimate (router/limits/); the peers have no such limit.
    MAX_QUERY_COST: '1000000',
    MEMBER_RATE_LIMIT_PER_MINUTE: '0',
    PARTNER_RATE_LIMIT_PER_MINUTE: '0',
    ANONYMOUS_MUTATIONS_PER_MINUTE: '0',
    // The fan-out's subscribers are all the one bench caller: past the default of 500 per caller our router would
    // refuse them (TOO_MANY_SUBSCRIPTIONS), which is its abuse limit at work, not the fan-out being measured.
    SUBSCRIPTIONS_PER_CALLER: '100000',
    ...(options.mysqlUrl ? { MYSQL_URL: options.mysqlUrl, MYSQL_DATABASE_PREFIX: prefix } : {}),
  });
  const config = loadConfig(env);
  const secrets = loadSecrets(config);
  // Over RabbitMQ when AMQP_URL is set, so that the router with the entity cache on hears the events (cache-bench.ts).
  const { bus, childEnv, note } = await benchBus(process.env.AMQP_URL || undefined);
  Object.assign(env, childEnv);
  const started: SubgraphServer[] = [];
  const subgraphUrls: Partial<Record<SubgraphName, string>> = {};
  let requests = 0;
  const close = async () => {
    for (const server of started.reverse()) await server.close();
    await bus.close();
    rmSync(dataDir, { recursive: true, force: true });
    if (options.mysqlUrl) for (const name of SUBGRAPH_NAMES) await dropMysqlDatabase(options.mysqlUrl, `${prefix}${name}`);
  };
  try {
    for (const definition of subgraphDefinitions) {
      const server = await createSubgraphServer(definition, config, { secrets, bus, peerUrls: subgraphUrls });
      started.push(server);
      server.http.on('request', () => requests++);
      subgraphUrls[definition.name] = await server.listen(0);
    }
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
  return {
    config,
    secrets,
    env,
    subgraphUrls: subgraphUrls as Record<SubgraphName, string>,
    subgraphRequests: () => requests,
    sqlStatements: statementsExecuted,
    subscriptionsStarted: () => started.reduce((sum, server) => sum + server.subscriptionsStarted(), 0),
    database: options.mysqlUrl
      ? `${await serverVersion(options.mysqlUrl)} at ${new URL(options.mysqlUrl).host}, fresh databases ${prefix}<subgraph>, dropped afterwards`
      : 'SQLite in a fresh DATA_DIR',
    cacheNote: note,
    mysqlDatabaseUrl: options.mysqlUrl ? (name) => databaseUrl(options.mysqlUrl!, `${prefix}${name}`) : null,
    close,
  };
}

/** What the MySQL-protocol server says it is, such as "MariaDB 11.4.5-MariaDB", for the report. */
async function serverVersion(mysqlUrl: string): Promise<string> {
  const connection = await createConnection({ uri: mysqlServerUrl(mysqlUrl) });
  try {
    const [rows] = await connection.query('select version() as version');
    const version = String((rows as { version: string }[])[0]?.version ?? 'unknown');
    return version.toLowerCase().includes('mariadb') ? `MariaDB ${version}` : `MySQL ${version}`;
  } finally {
    await connection.end();
  }
}

function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}
