import { isAbsolute, resolve } from 'node:path';
import { graphqlUrl, reachableHost } from '../http/urls.ts';

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

/**
 * The merchant's WeChat Pay APIv3 account (WECHATPAY_*): all set, or none
 * (then development and tests use the simulator; the payments subgraph
 * refuses to start in production without them).
 */
export type WeChatPaySettings = {
  mchId: string;
  appId: string;
  /** The APIv3 key: exactly 32 bytes; AEAD_AES_256_GCM key of callback resources. */
  apiV3Key: string;
  /** Serial number of the merchant API certificate, named in every request's Authorization header. */
  merchantSerial: string;
  /** PEM private key that signs our API requests. */
  merchantPrivateKey: string;
  /** Serial (or WeChat Pay public key ID) that callbacks name in Wechatpay-Serial. */
  platformSerial: string;
  /** PEM public key or platform certificate that verifies callbacks. */
  platformPublicKey: string;
  apiUrl: string;
};

/** The merchant's Alipay open-platform app (ALIPAY_*): all set, or none, as for WeChat Pay. */
export type AlipaySettings = {
  appId: string;
  /** The merchant's partner id (2088...), which every notify names as seller_id. */
  sellerId: string;
  /** PEM private key of the app: signs our requests (RSA2). */
  appPrivateKey: string;
  /** PEM Alipay public key: verifies notifies and answers. */
  alipayPublicKey: string;
  gatewayUrl: string;
};

export type Config = {
  /** NODE_ENV. Production refuses development keys and hides error details. */
  mode: Mode;
  /** HOST: the interface every service binds to. */
  host: string;
  /** DATA_DIR: SQLite files and development keys. */
  dataDir: string;
  /** <NAME>_PORT: the port each service listens on. */
  ports: Record<SubgraphName | 'router', number>;
  /** METRICS_PORT: where the router serves /metrics, apart from its public port (9464, Prometheus exporters' usual port; 0 picks a free one). */
  metricsPort: number;
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
  /**
   * MIGRATE_ON_START: apply pending migrations when a subgraph opens its database
   * (default on, off in production). Off, a subgraph whose database is behind
   * refuses to start and names `npm run migrate` (scripts/migrate.ts), which a
   * deployment runs before rollout.
   */
  migrateOnStart: boolean;
  /** SUPERGRAPH_PATH: the supergraph file the router serves and watches; unset, schema/supergraph.graphql. */
  supergraphPath: string | undefined;
  /** RESERVATION_SWEEP_INTERVAL_MS: how often expired stock reservations are released. */
  reservationSweepIntervalMs: number;
  /** POINTS_EXPIRY_DAYS: how long earned member points stay redeemable before they expire (oldest first). */
  pointsExpiryDays: number;
  /** SEED_ADMIN_EMAIL / SEED_ADMIN_PASSWORD: the first staff admin, created by the members subgraph if missing. */
  seedAdminEmail: string | undefined;
  seedAdminPassword: string | undefined;
  /** REDIS_URL: rate-limit buckets shared by every router instance; unset, each router counts in memory. */
  redisUrl: string | undefined;
  /** JWKS_URL: where the router fetches the token verification keys; unset, the members subgraph's `/.well-known/jwks.json`. */
  jwksUrl: string | undefined;
  /** PARTNER_RATE_LIMIT_PER_MINUTE / MEMBER_RATE_LIMIT_PER_MINUTE: token buckets per API key and per member (0: no limit). */
  partnerRateLimitPerMinute: number;
  memberRateLimitPerMinute: number;
  /** ANONYMOUS_MUTATIONS_PER_MINUTE: mutations a caller who is not signed in may send per client address (0: no limit). */
  anonymousMutationsPerMinute: number;
  /** TRUSTED_PROXY_HOPS: proxies of ours in front of the router whose X-Forwarded-For entries are believed (router/client-address.ts). */
  trustedProxyHops: number;
  /** API_KEY_CACHE_SECONDS: how long a router trusts its lookup of an API key; a revoked key works at most this long. */
  apiKeyCacheSeconds: number;
  /** The router's limits on one operation (router/limits/operation-limits.ts). */
  operationLimits: OperationLimitSettings;
  /** MAX_BODY_BYTES: the largest request body the router reads (413 PAYLOAD_TOO_LARGE beyond). */
  maxBodyBytes: number;
  /** MAX_BATCH_SIZE: operations in one batched request (a JSON array); 0 turns batching off. */
  maxBatchSize: number;
  /** CALLBACK_REVIEW_MAX_ROWS / _MAX_BYTES / CALLBACK_REFUSALS_PER_MINUTE: how much of refused, unsigned payment callbacks payments keeps. */
  callbackReview: { maxRows: number; maxBytes: number; refusalsPerMinutePerSource: number };
  /** SUBSCRIPTIONS_PER_SOCKET / _PER_CALLER / _TOTAL: open subscriptions a router allows (TOO_MANY_SUBSCRIPTIONS beyond). */
  subscriptionLimits: { perSocket: number; perCaller: number; total: number };
  /** REQUEST_TIMEOUT_MS: how long the router gives one HTTP request, body and execution together. */
  requestTimeoutMs: number;
  /** INTROSPECTION / GRAPHIQL: schema introspection and the GraphiQL page; on by default outside production. */
  introspection: boolean;
  graphiql: boolean;
  /** SUBGRAPH_*: timeouts, retries and circuit breakers of the router's subgraph fetches (router/subgraph-resilience.ts). */
  subgraphFetch: SubgraphFetchSettings;
  /**
   * PAYMENTS_CALLBACK_BASE_URL: the public origin payment providers post their
   * callbacks to (`<base>/callbacks/wechatpay`, `<base>/callbacks/alipay`, through
   * the router). Default: the router on this machine; payments requires it in production.
   */
  paymentsCallbackBaseUrl: string;
  paymentsCallbackBaseUrlConfigured: boolean;
  /** WECHATPAY_*: the real WeChat Pay account; unset, payments uses its simulator (never in production). */
  wechatPay: WeChatPaySettings | undefined;
  /** ALIPAY_*: the real Alipay app; unset, payments uses its simulator (never in production). */
  alipay: AlipaySettings | undefined;
  /** LOG_FORMAT: `json` (one object per line, for a log pipeline) or `text`; default json in production, text otherwise. */
  logFormat: 'json' | 'text';
  /** OTEL_EXPORTER_OTLP_ENDPOINT: an OTLP/HTTP collector's base URL; set, spans go to `<url>/v1/traces`. Unset: no tracing at all. */
  otelExporterOtlpEndpoint: string | undefined;
  /** SHUTDOWN_GRACE_MS: how long a stopping service lets requests in flight finish (default 10000; 1000 under NODE_ENV=test). */
  shutdownGraceMs: number;
};

/** MAX_QUERY_DEPTH, MAX_ALIASES, MAX_QUERY_COST, MAX_PAGE_SIZE, QUERY_COST_LIST_SIZE, PARTNER_QUERY_COST_LIMITS. */
export type OperationLimitSettings = {
  maxDepth: number;
  maxAliases: number;
  maxCost: number;
  /** The largest `first`/`last` a field may be asked for. */
  maxPageSize: number;
  /** What a list without `first`/`last` counts as in the cost. */
  defaultListSize: number;
  /** Per partner API key id, a cost limit that replaces `maxCost` for that key. */
  partnerCostLimits: Readonly<Record<string, number>>;
};

/** SUBGRAPH_TIMEOUT_MS, SUBGRAPH_RETRIES, SUBGRAPH_BREAKER_FAILURES, SUBGRAPH_BREAKER_RESET_MS. */
export type SubgraphFetchSettings = {
  timeoutMs: number;
  /** Further attempts for a query fetch that could not connect; mutations are never retried. */
  retries: number;
  /** Consecutive failed fetches that open a subgraph's circuit (0: no breaker). */
  breakerFailures: number;
  /** How long an open circuit fails fast before one trial fetch is let through. */
  breakerResetMs: number;
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
  const metricsPort = port('METRICS_PORT', 9464);
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

  const migrateValue = read('MIGRATE_ON_START');
  let migrateOnStart = mode !== 'production';
  if (migrateValue !== undefined) {
    if (migrateValue === 'true' || migrateValue === '1') migrateOnStart = true;
    else if (migrateValue === 'false' || migrateValue === '0') migrateOnStart = false;
    else problems.push(`MIGRATE_ON_START must be true or false; received "${migrateValue}"`);
  }
  const supergraphPathValue = read('SUPERGRAPH_PATH');
  const supergraphPath =
    supergraphPathValue === undefined || isAbsolute(supergraphPathValue)
      ? supergraphPathValue
      : resolve(process.cwd(), supergraphPathValue);

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

  const wholeNumber = (name: string, fallback: number, min: number, max: number): number => {
    const value = read(name);
    if (value === undefined) return fallback;
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max}; received "${value}"`);
      return fallback;
    }
    return parsed;
  };
  const redisUrl = url('REDIS_URL', ['redis:', 'rediss:']);
  const jwksUrl = url('JWKS_URL', ['http:', 'https:']);
  const partnerRateLimitPerMinute = wholeNumber('PARTNER_RATE_LIMIT_PER_MINUTE', 600, 0, 1_000_000);
  const memberRateLimitPerMinute = wholeNumber('MEMBER_RATE_LIMIT_PER_MINUTE', 300, 0, 1_000_000);
  const anonymousMutationsPerMinute = wholeNumber('ANONYMOUS_MUTATIONS_PER_MINUTE', 60, 0, 1_000_000);
  const trustedProxyHops = wholeNumber('TRUSTED_PROXY_HOPS', 0, 0, 10);
  const apiKeyCacheSeconds = wholeNumber('API_KEY_CACHE_SECONDS', 5, 0, 300);
  const pointsExpiryDays = wholeNumber('POINTS_EXPIRY_DAYS', 365, 1, 3650);
  const flag = (name: string, fallback: boolean): boolean => {
    const value = read(name);
    if (value === undefined) return fallback;
    if (value === 'true' || value === '1') return true;
    if (value === 'false' || value === '0') return false;
    problems.push(`${name} must be true or false; received "${value}"`);
    return fallback;
  };
  const operationLimits: OperationLimitSettings = {
    maxDepth: wholeNumber('MAX_QUERY_DEPTH', 12, 1, 1000),
    maxAliases: wholeNumber('MAX_ALIASES', 30, 0, 100_000),
    maxCost: wholeNumber('MAX_QUERY_COST', 50_000, 1, 1_000_000_000),
    maxPageSize: wholeNumber('MAX_PAGE_SIZE', 1000, 1, 1_000_000),
    defaultListSize: wholeNumber('QUERY_COST_LIST_SIZE', 10, 1, 10_000),
    partnerCostLimits: partnerCostLimits(read('PARTNER_QUERY_COST_LIMITS'), problems),
  };
  const subgraphFetch: SubgraphFetchSettings = {
    timeoutMs: wholeNumber('SUBGRAPH_TIMEOUT_MS', 10_000, 100, 600_000),
    retries: wholeNumber('SUBGRAPH_RETRIES', 2, 0, 10),
    breakerFailures: wholeNumber('SUBGRAPH_BREAKER_FAILURES', 5, 0, 1000),
    breakerResetMs: wholeNumber('SUBGRAPH_BREAKER_RESET_MS', 10_000, 100, 600_000),
  };
  const maxBodyBytes = wholeNumber('MAX_BODY_BYTES', 1024 * 1024, 1024, 100 * 1024 * 1024);
  const maxBatchSize = wholeNumber('MAX_BATCH_SIZE', 20, 0, 1000);
  const callbackReview = {
    maxRows: wholeNumber('CALLBACK_REVIEW_MAX_ROWS', 1000, 1, 1_000_000),
    maxBytes: wholeNumber('CALLBACK_REVIEW_MAX_BYTES', 8 * 1024 * 1024, 64 * 1024, 1024 * 1024 * 1024),
    refusalsPerMinutePerSource: wholeNumber('CALLBACK_REFUSALS_PER_MINUTE', 30, 0, 1_000_000),
  };
  const subscriptionLimits = {
    perSocket: wholeNumber('SUBSCRIPTIONS_PER_SOCKET', 100, 1, 100_000),
    perCaller: wholeNumber('SUBSCRIPTIONS_PER_CALLER', 500, 1, 1_000_000),
    total: wholeNumber('SUBSCRIPTIONS_TOTAL', 20_000, 1, 10_000_000),
  };
  const requestTimeoutMs = wholeNumber('REQUEST_TIMEOUT_MS', 30_000, 100, 600_000);
  const introspection = flag('INTROSPECTION', mode !== 'production');
  const graphiql = flag('GRAPHIQL', mode !== 'production');

  const callbackBase = url('PAYMENTS_CALLBACK_BASE_URL', ['http:', 'https:']);
  const paymentsCallbackBaseUrl = (callbackBase ?? `http://${reachableHost(host)}:${ports.router}`).replace(/\/+$/, '');
  const wechatPay = settingsGroup(
    'WECHATPAY_*',
    {
      mchId: ['WECHATPAY_MCH_ID', read('WECHATPAY_MCH_ID')],
      appId: ['WECHATPAY_APP_ID', read('WECHATPAY_APP_ID')],
      apiV3Key: ['WECHATPAY_API_V3_KEY', read('WECHATPAY_API_V3_KEY')],
      merchantSerial: ['WECHATPAY_MERCHANT_SERIAL', read('WECHATPAY_MERCHANT_SERIAL')],
      merchantPrivateKey: [
        'WECHATPAY_MERCHANT_PRIVATE_KEY',
        pem(read('WECHATPAY_MERCHANT_PRIVATE_KEY'), 'WECHATPAY_MERCHANT_PRIVATE_KEY', 'PRIVATE KEY', problems),
      ],
      platformSerial: ['WECHATPAY_PLATFORM_SERIAL', read('WECHATPAY_PLATFORM_SERIAL')],
      platformPublicKey: [
        'WECHATPAY_PLATFORM_PUBLIC_KEY',
        publicKeyOrCertificate(read('WECHATPAY_PLATFORM_PUBLIC_KEY'), 'WECHATPAY_PLATFORM_PUBLIC_KEY', problems),
      ],
    },
    problems,
  );
  if (wechatPay && Buffer.byteLength(wechatPay.apiV3Key) !== 32) {
    problems.push(
      `WECHATPAY_API_V3_KEY must be exactly 32 bytes (the APIv3 key of the merchant platform); received ${Buffer.byteLength(wechatPay.apiV3Key)}`,
    );
  }
  const alipay = settingsGroup(
    'ALIPAY_*',
    {
      appId: ['ALIPAY_APP_ID', read('ALIPAY_APP_ID')],
      sellerId: ['ALIPAY_SELLER_ID', read('ALIPAY_SELLER_ID')],
      appPrivateKey: ['ALIPAY_APP_PRIVATE_KEY', pem(read('ALIPAY_APP_PRIVATE_KEY'), 'ALIPAY_APP_PRIVATE_KEY', 'PRIVATE KEY', problems)],
      alipayPublicKey: ['ALIPAY_PUBLIC_KEY', pem(read('ALIPAY_PUBLIC_KEY'), 'ALIPAY_PUBLIC_KEY', 'PUBLIC KEY', problems)],
    },
    problems,
  );
  const wechatPayApiUrl = url('WECHATPAY_API_URL', ['https:', 'http:']) ?? 'https://api.mch.weixin.qq.com';
  const alipayGatewayUrl = url('ALIPAY_GATEWAY_URL', ['https:', 'http:']) ?? 'https://openapi.alipay.com/gateway.do';

  const logFormatValue = read('LOG_FORMAT');
  let logFormat: Config['logFormat'] = mode === 'production' ? 'json' : 'text';
  if (logFormatValue === 'json' || logFormatValue === 'text') logFormat = logFormatValue;
  else if (logFormatValue !== undefined) problems.push(`LOG_FORMAT must be json or text; received "${logFormatValue}"`);
  const otelExporterOtlpEndpoint = url('OTEL_EXPORTER_OTLP_ENDPOINT', ['http:', 'https:']);
  const shutdownGraceMs = wholeNumber('SHUTDOWN_GRACE_MS', mode === 'test' ? 1000 : 10_000, 0, 120_000);

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    mode,
    host,
    dataDir,
    metricsPort,
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
    migrateOnStart,
    supergraphPath,
    reservationSweepIntervalMs,
    pointsExpiryDays,
    seedAdminEmail,
    seedAdminPassword,
    redisUrl,
    jwksUrl,
    partnerRateLimitPerMinute,
    memberRateLimitPerMinute,
    anonymousMutationsPerMinute,
    trustedProxyHops,
    apiKeyCacheSeconds,
    operationLimits,
    maxBodyBytes,
    maxBatchSize,
    subscriptionLimits,
    callbackReview,
    requestTimeoutMs,
    introspection,
    graphiql,
    subgraphFetch,
    paymentsCallbackBaseUrl,
    paymentsCallbackBaseUrlConfigured: callbackBase !== undefined,
    wechatPay: wechatPay && { ...wechatPay, apiUrl: wechatPayApiUrl.replace(/\/+$/, '') },
    alipay: alipay && { ...alipay, gatewayUrl: alipayGatewayUrl },
    logFormat,
    otelExporterOtlpEndpoint,
    shutdownGraceMs,
  };
}

/** PARTNER_QUERY_COST_LIMITS: `keyId=cost,keyId=cost`, the ids of API keys (as `apiKeys` shows them) with their own cost limit. */
function partnerCostLimits(value: string | undefined, problems: string[]): Record<string, number> {
  const limits: Record<string, number> = {};
  if (value === undefined) return limits;
  for (const entry of value.split(',')) {
    const match = /^\s*([^=\s]+)\s*=\s*(\d{1,10})\s*$/.exec(entry);
    const cost = match ? Number(match[2]) : 0;
    if (!match || cost < 1) {
      problems.push(
        `PARTNER_QUERY_COST_LIMITS must be keyId=cost pairs separated by commas, each cost a whole number above 0; received "${entry.trim()}"`,
      );
      continue;
    }
    limits[match[1]!] = cost;
  }
  return limits;
}

/**
 * A provider's variables come as a set: all of them (the real provider), or
 * none (the simulator outside production). Names every one that is missing.
 */
function settingsGroup<K extends string>(
  group: string,
  values: Record<K, [variable: string, value: string | undefined]>,
  problems: string[],
): Record<K, string> | undefined {
  const entries = Object.entries(values) as [K, [string, string | undefined]][];
  if (entries.every(([, [, value]]) => value === undefined)) return undefined;
  const missing = entries.filter(([, [, value]]) => value === undefined).map(([, [variable]]) => variable);
  if (missing.length > 0) {
    problems.push(`${group}: set all of these variables or none; missing or invalid: ${missing.join(', ')}`);
    return undefined;
  }
  return Object.fromEntries(entries.map(([key, [, value]]) => [key, value])) as Record<K, string>;
}

/** WeChat Pay hands out either a platform certificate or (since 2024) a plain "WeChat Pay public key". */
function publicKeyOrCertificate(value: string | undefined, name: string, problems: string[]): string | undefined {
  if (value === undefined) return undefined;
  const text = value.includes('\\n') ? value.replaceAll('\\n', '\n') : value;
  if (!text.includes('-----BEGIN PUBLIC KEY-----') && !text.includes('-----BEGIN CERTIFICATE-----')) {
    problems.push(`${name} must be a PEM block starting with "-----BEGIN PUBLIC KEY-----" or "-----BEGIN CERTIFICATE-----"`);
    return undefined;
  }
  return text;
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
