import { ConfigError, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('gives the embedded defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      mode: 'development',
      host: '127.0.0.1',
      ports: { router: 4000, catalogue: 4001, stock: 4002, orders: 4003, members: 4004, payments: 4005, invoices: 4006 },
      subgraphUrls: { catalogue: 'http://127.0.0.1:4001/graphql', invoices: 'http://127.0.0.1:4006/graphql' },
      mysqlUrl: undefined,
      mysqlDatabasePrefix: 'commerce_',
      seedDemoData: true,
    });
    expect(config.dataDir).toMatch(/\/data$/);
  });

  it('derives subgraph URLs from their ports unless a URL is given', () => {
    const config = loadConfig({ CATALOGUE_PORT: '5001', STOCK_URL: 'http://stock.internal:80/graphql' });
    expect(config.subgraphUrls.catalogue).toBe('http://127.0.0.1:5001/graphql');
    expect(config.subgraphUrls.stock).toBe('http://stock.internal:80/graphql');
  });

  it('names every wrong variable at once', () => {
    let error: unknown;
    try {
      loadConfig({
        NODE_ENV: 'staging',
        ROUTER_PORT: 'eighty',
        MYSQL_URL: 'postgres://x',
        INTERNAL_AUTH_SECRET: 'short',
        SEED_DEMO_DATA: 'maybe',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/NODE_ENV .*"staging"/);
    expect(problems).toMatch(/ROUTER_PORT .*"eighty"/);
    expect(problems).toMatch(/MYSQL_URL must be a mysql: or mariadb: URL/);
    expect(problems).toMatch(/INTERNAL_AUTH_SECRET must be at least 32 characters/);
    expect(problems).toMatch(/SEED_DEMO_DATA/);
  });

  it('reads MYSQL_REPLICA_URLS as a list of mysql URLs and refuses anything else', () => {
    const urls = 'mysql://reader@replica-1:3306/, mariadb://reader@replica-2:3306/';
    expect(loadConfig({ MYSQL_URL: 'mysql://root@db:3306/', MYSQL_REPLICA_URLS: urls }).mysqlReplicaUrls).toEqual([
      'mysql://reader@replica-1:3306/',
      'mariadb://reader@replica-2:3306/',
    ]);
    expect(loadConfig({}).mysqlReplicaUrls).toEqual([]);
    expect(() => loadConfig({ MYSQL_REPLICA_URLS: 'mysql://a/,postgres://b/' })).toThrow(
      /MYSQL_REPLICA_URLS must hold mysql: or mariadb: URLs/,
    );
    expect(() => loadConfig({ MYSQL_REPLICA_URLS: Array(9).fill('mysql://r/').join(',') })).toThrow(/at most 8 replicas/);
    expect(() => loadConfig({ MYSQL_REPLICA_MAX_LAG_SECONDS: '-1' })).toThrow(/MYSQL_REPLICA_MAX_LAG_SECONDS/);
  });

  it('requires real keys in production and turns off demo data there', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      /INTERNAL_AUTH_SECRET is required in production[\s\S]*JWT_PUBLIC_KEY is required/,
    );
    const config = loadConfig({
      NODE_ENV: 'production',
      INTERNAL_AUTH_SECRET: 'x'.repeat(32),
      JWT_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----\\nabc\\n-----END PUBLIC KEY-----',
    });
    expect(config.seedDemoData).toBe(false);
    expect(config.jwtPublicKey).toContain('\n');
  });

  it('rejects a key that is not PEM', () => {
    expect(() => loadConfig({ JWT_PUBLIC_KEY: 'not a key' })).toThrow(/JWT_PUBLIC_KEY must be a PEM block/);
  });
});

describe('loadConfig for the event bus', () => {
  it('reads AMQP_URL and refuses a URL of another protocol', () => {
    expect(loadConfig({ AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672' }).amqpUrl).toBe('amqp://guest:guest@127.0.0.1:5672');
    expect(loadConfig({}).amqpUrl).toBeUndefined();
    expect(() => loadConfig({ AMQP_URL: 'http://rabbit' })).toThrow(/AMQP_URL must be a amqp: or amqps: URL/);
  });

  it('is read by the router as its own process, whose entity cache drops what the events name', () => {
    const env = { AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672', AMQP_EXCHANGE: 'staging.events' };
    expect(loadConfig(env, 'router')).toMatchObject({ amqpUrl: env.AMQP_URL, amqpExchange: 'staging.events' });
    expect(loadConfig(env, 'stock')).toMatchObject({ amqpUrl: env.AMQP_URL, amqpExchange: 'staging.events' });
    // Migrations do not publish.
    expect(loadConfig(env, 'migrate').amqpUrl).toBeUndefined();
  });

  it('takes an exchange name and a queue expiry, and refuses bad ones', () => {
    expect(loadConfig({})).toMatchObject({ amqpExchange: 'commerce.events', amqpQueueExpirySeconds: 0 });
    expect(() => loadConfig({ AMQP_EXCHANGE: 'amq.topic' })).toThrow(/AMQP_EXCHANGE must be 1 to 100/);
    expect(() => loadConfig({ AMQP_EXCHANGE: 'two words' })).toThrow(/AMQP_EXCHANGE must be 1 to 100/);
    expect(() => loadConfig({ AMQP_QUEUE_EXPIRY_SECONDS: '-1' })).toThrow(/AMQP_QUEUE_EXPIRY_SECONDS must be/);
  });
});

describe('loadConfig for migrations', () => {
  const production = {
    NODE_ENV: 'production',
    INTERNAL_AUTH_SECRET: 'x'.repeat(32),
    JWT_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----\nx\n-----END PUBLIC KEY-----',
  };

  it('migrates at start outside production only, unless MIGRATE_ON_START says otherwise', () => {
    expect(loadConfig({}).migrateOnStart).toBe(true);
    expect(loadConfig({ NODE_ENV: 'test' }).migrateOnStart).toBe(true);
    expect(loadConfig(production).migrateOnStart).toBe(false);
    expect(loadConfig({ ...production, MIGRATE_ON_START: 'true' }).migrateOnStart).toBe(true);
    expect(loadConfig({ MIGRATE_ON_START: '0' }).migrateOnStart).toBe(false);
    expect(() => loadConfig({ MIGRATE_ON_START: 'later' })).toThrow(/MIGRATE_ON_START must be true or false; received "later"/);
  });
});

describe('loadConfig for one process', () => {
  const wrongForPayments = { WECHATPAY_MCH_ID: '1900000001', CALLBACK_REVIEW_MAX_ROWS: '0' };
  const wrongForRouter = { MAX_QUERY_DEPTH: 'deep', REDIS_URL: 'http://redis' };

  it('validates only the variables that process reads, and leaves the settings of other services at their defaults', () => {
    const router = loadConfig({ ...wrongForPayments, MAX_QUERY_DEPTH: '20' }, 'router');
    expect(router.operationLimits.maxDepth).toBe(20);
    expect(router.wechatPay).toBeUndefined();
    expect(router.callbackReview.maxRows).toBe(1000);

    const payments = loadConfig({ ...wrongForRouter, CALLBACK_REVIEW_MAX_ROWS: '50' }, 'payments');
    expect(payments.callbackReview.maxRows).toBe(50);
    expect(payments.operationLimits.maxDepth).toBe(12);
    expect(payments.redisUrl).toBeUndefined();
  });

  it('refuses a wrong variable in the process that reads it, and every process refuses a wrong common one', () => {
    expect(() => loadConfig(wrongForPayments, 'payments')).toThrow(/CALLBACK_REVIEW_MAX_ROWS must be a whole number from 1 to 1000000/);
    expect(() => loadConfig(wrongForRouter, 'router')).toThrow(
      /REDIS_URL must be a redis: or rediss: URL[\s\S]*MAX_QUERY_DEPTH must be a whole number/,
    );
    expect(() => loadConfig({ MYSQL_URL: 'postgres://db' }, 'migrate')).toThrow(/MYSQL_URL/);
    expect(loadConfig({ MYSQL_URL: 'postgres://db' }, 'router').mysqlUrl).toBeUndefined();
    for (const process of ['router', 'catalogue', 'payments', 'migrate', 'token', 'embedded'] as const) {
      expect(() => loadConfig({ ROUTER_PORT: 'eighty' }, process)).toThrow(/ROUTER_PORT must be a port number from 0 to 65535/);
    }
  });

  it('reads the reservation sweep in stock and in orders, which both act on it', () => {
    for (const process of ['stock', 'orders'] as const) {
      expect(loadConfig({ RESERVATION_SWEEP_INTERVAL_MS: '250' }, process).reservationSweepIntervalMs).toBe(250);
      expect(() => loadConfig({ RESERVATION_SWEEP_INTERVAL_MS: '50' }, process)).toThrow(
        'RESERVATION_SWEEP_INTERVAL_MS must be a whole number of milliseconds from 100 to 3600000; received "50"',
      );
    }
    expect(loadConfig({ RESERVATION_SWEEP_INTERVAL_MS: '50' }, 'catalogue').reservationSweepIntervalMs).toBe(5000);
  });
});
