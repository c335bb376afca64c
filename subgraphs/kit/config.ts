import { isAbsolute, resolve } from 'node:path';
import { graphqlUrl } from './http/urls.ts';

/**
 * The whole system's configuration, read once per process from the environment.
 *
 * Defaults give the embedded mode (`npm start`): SQLite files under `./data`,
 * every service on 127.0.0.1 with the ports of DESIGN.md §1, development keys
 * generated on first use. `loadConfig` collects every wrong or missing variable
 * and throws one `ConfigError` that names them all, so an operator fixes the
 * environment in one pass instead of one restart per mistake.
 */

export const SUBGRAPH_NAMES = ['catalogue', 'stock', 'orders', 'members', 'payments', 'invoices'] as const;
export type SubgraphName = (typeof SUBGRAPH_NAMES)[number];

export const DEFAULT_PORTS: Record<SubgraphName | 'router', number> = {
  router: 4000,
  catalogue: 4001,
  stock: 4002,
  orders: 4003,
  members: 4004,
  payments: 4005,
  invoices: 4006,
};

export type Mode = 'development' | 'test' | 'production';

export type Config = {
  /** NODE_ENV. Production refuses development keys and hides error details. */
  mode: Mode;
  /** HOST: the interface every service binds to. */
  host: string;
  /** DATA_DIR: SQLite files and development keys. */
  dataDir: string;
  /** <NAME>_PORT: the port each service listens on. */
  ports: Record<SubgraphName | 'router', number>;
  /** <NAME>_URL: where the router reaches each subgraph's GraphQL endpoint. */
  subgraphUrls: Record<SubgraphName, string>;
  /** MYSQL_URL: MySQL/MariaDB server; each subgraph gets its own database on it. Unset: SQLite. */
  mysqlUrl: string | undefined;
  /** MYSQL_DATABASE_PREFIX: database name = prefix + subgraph name. */
  mysqlDatabasePrefix: string;
  /** AMQP_URL: RabbitMQ carries events between processes; unset, the in-process bus does (one process). */
  amqpUrl: string | undefined;
  /** INTERNAL_AUTH_SECRET: HMAC key for the identity header the router signs for subgraphs. */
  internalAuthSecret: string | undefined;
  /** JWT_PUBLIC_KEY / JWT_PRIVATE_KEY: PEM keys (EdDSA or ES256) for bearer tokens. */
  jwtPublicKey: string | undefined;
  jwtPrivateKey: string | undefined;
  /** JWT_PREVIOUS_PUBLIC_KEY: during a key rotation, the key being retired; its tokens stay valid until they expire. */
  jwtPreviousPublicKey: string | undefined;
  /** JWT_ISSUER / JWT_AUDIENCE: the `iss` and `aud` every bearer token must carry. */
  jwtIssuer: string;
  jwtAudience: string;
  /** SEED_DEMO_DATA: seed demo data into empty databases at start (default on, off in production). */
  seedDemoData: boolean;
  /** RESERVATION_SWEEP_INTERVAL_MS: how often expired stock reservations are released. */
  reservationSweepIntervalMs: number;
  /** SEED_ADMIN_EMAIL / SEED_ADMIN_PASSWORD: the first staff admin, created by the members subgraph if missing. */
  seedAdminEmail: string | undefined;
  seedAdminPassword: string | undefined;
};

export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const read = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === '' ? undefined : value;
  };

  const modeValue = read('NODE_ENV') ?? 'development';
  let mode: Mode = 'development';
  if (modeValue === 'development' || modeValue === 'test' || modeValue === 'production') mode = modeValue;
  else problems.push(`NODE_ENV must be development, test or production; received "${modeValue}"`);

  const port = (name: string, fallback: number): number => {
    const value = read(name);
    if (value === undefined) return fallback;
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535) {
      problems.push(`${name} must be a port number from 0 to 65535; received "${value}"`);
      return fallback;
    }
    return parsed;
  };

  const url = (name: string, protocols: readonly string[]): string | undefined => {
    const value = read(name);
    if (value === undefined) return undefined;
    try {
      const parsed = new URL(value);
      if (!protocols.includes(parsed.protocol)) {
        problems.push(`${name} must be a ${protocols.join(' or ')} URL; received "${value}"`);
        return undefined;
      }
      return value;
    } catch {
      problems.push(`${name} must be a URL; received "${value}"`);
      return undefined;
    }
  };

  const host = read('HOST') ?? '127.0.0.1';
  const dataDirValue = read('DATA_DIR') ?? './data';
  const dataDir = isAbsolute(dataDirValue) ? dataDirValue : resolve(process.cwd(), dataDirValue);

  const ports = { router: port('ROUTER_PORT', DEFAULT_PORTS.router) } as Config['ports'];
  const subgraphUrls = {} as Config['subgraphUrls'];
  for (const name of SUBGRAPH_NAMES) {
    const upper = name.toUpperCase();
    ports[name] = port(`${upper}_PORT`, DEFAULT_PORTS[name]);
    subgraphUrls[name] = url(`${upper}_URL`, ['http:', 'https:']) ?? graphqlUrl(host, ports[name]);
  }

  const mysqlUrl = url('MYSQL_URL', ['mysql:', 'mariadb:']);
  const mysqlDatabasePrefix = read('MYSQL_DATABASE_PREFIX') ?? 'commerce_';
  const amqpUrl = url('AMQP_URL', ['amqp:', 'amqps:']);
  if (!/^[A-Za-z0-9_]{0,40}$/.test(mysqlDatabasePrefix)) {
    problems.push(`MYSQL_DATABASE_PREFIX may hold only letters, digits and _ (at most 40); received "${mysqlDatabasePrefix}"`);
  }

  const internalAuthSecret = read('INTERNAL_AUTH_SECRET');
  if (internalAuthSecret !== undefined && internalAuthSecret.length < 32) {
    problems.push(`INTERNAL_AUTH_SECRET must be at least 32 characters; received ${internalAuthSecret.length}`);
  }
  const jwtPublicKey = pem(read('JWT_PUBLIC_KEY'), 'JWT_PUBLIC_KEY', 'PUBLIC KEY', problems);
  const jwtPrivateKey = pem(read('JWT_PRIVATE_KEY'), 'JWT_PRIVATE_KEY', 'PRIVATE KEY', problems);
  const jwtPreviousPublicKey = pem(read('JWT_PREVIOUS_PUBLIC_KEY'), 'JWT_PREVIOUS_PUBLIC_KEY', 'PUBLIC KEY', problems);

  if (mode === 'production') {
    if (internalAuthSecret === undefined) problems.push('INTERNAL_AUTH_SECRET is required in production');
    if (jwtPublicKey === undefined) problems.push('JWT_PUBLIC_KEY is required in production');
  }

  const seedValue = read('SEED_DEMO_DATA');
  let seedDemoData = mode !== 'production';
  if (seedValue !== undefined) {
    if (seedValue === 'true' || seedValue === '1') seedDemoData = true;
    else if (seedValue === 'false' || seedValue === '0') seedDemoData = false;
    else problems.push(`SEED_DEMO_DATA must be true or false; received "${seedValue}"`);
  }

  const sweepValue = read('RESERVATION_SWEEP_INTERVAL_MS');
  let reservationSweepIntervalMs = 5000;
  if (sweepValue !== undefined) {
    reservationSweepIntervalMs = Number(sweepValue);
    if (!Number.isInteger(reservationSweepIntervalMs) || reservationSweepIntervalMs < 100 || reservationSweepIntervalMs > 3_600_000) {
      problems.push(`RESERVATION_SWEEP_INTERVAL_MS must be a whole number of milliseconds from 100 to 3600000; received "${sweepValue}"`);
    }
  }

  // Development gets a documented default admin; production must choose its own.
  const seedAdminEmail = read('SEED_ADMIN_EMAIL') ?? (mode === 'production' ? undefined : 'admin@example.com');
  const seedAdminPassword = read('SEED_ADMIN_PASSWORD') ?? (mode === 'production' ? undefined : 'development-only-admin');
  if (seedAdminPassword !== undefined && seedAdminPassword.length < 12) {
    problems.push(`SEED_ADMIN_PASSWORD must be at least 12 characters; received ${seedAdminPassword.length}`);
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    mode,
    host,
    dataDir,
    ports,
    subgraphUrls,
    mysqlUrl,
    mysqlDatabasePrefix,
    amqpUrl,
    internalAuthSecret,
    jwtPublicKey,
    jwtPrivateKey,
    jwtPreviousPublicKey,
    jwtIssuer: read('JWT_ISSUER') ?? 'commerce-supergraph',
    jwtAudience: read('JWT_AUDIENCE') ?? 'commerce-supergraph',
    seedDemoData,
    reservationSweepIntervalMs,
    seedAdminEmail,
    seedAdminPassword,
  };
}

/** PEM keys often arrive through env files with literal "\n"; accept both forms. */
function pem(value: string | undefined, name: string, kind: string, problems: string[]): string | undefined {
  if (value === undefined) return undefined;
  const text = value.includes('\\n') ? value.replaceAll('\\n', '\n') : value;
  if (!text.includes(`-----BEGIN ${kind}-----`)) {
    problems.push(`${name} must be a PEM block starting with "-----BEGIN ${kind}-----"`);
    return undefined;
  }
  return text;
}
