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
});

describe('loadConfig for the first admin', () => {
  it('gives development a documented admin and production none', () => {
    expect(loadConfig({})).toMatchObject({ seedAdminEmail: 'admin@example.com', seedAdminPassword: 'development-only-admin' });
    const production = loadConfig({
      NODE_ENV: 'production',
      INTERNAL_AUTH_SECRET: 'x'.repeat(32),
      JWT_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----\nx\n-----END PUBLIC KEY-----',
    });
    expect(production.seedAdminEmail).toBeUndefined();
  });

  it('refuses a short admin password', () => {
    expect(() => loadConfig({ SEED_ADMIN_PASSWORD: 'short' })).toThrow(/SEED_ADMIN_PASSWORD must be at least 12 characters/);
  });
});

describe('loadConfig for member points', () => {
  it('keeps points 365 days unless POINTS_EXPIRY_DAYS says otherwise, and refuses a value that is not 1 to 3650 days', () => {
    expect(loadConfig({}).pointsExpiryDays).toBe(365);
    expect(loadConfig({ POINTS_EXPIRY_DAYS: '730' }).pointsExpiryDays).toBe(730);
    for (const value of ['0', '3651', '1.5', 'a year']) {
      expect(() => loadConfig({ POINTS_EXPIRY_DAYS: value })).toThrow(
        `POINTS_EXPIRY_DAYS must be a whole number from 1 to 3650; received "${value}"`,
      );
    }
  });
});

describe('loadConfig for migrations and the supergraph file', () => {
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

  it('resolves SUPERGRAPH_PATH against the working directory, and leaves it unset by default', () => {
    expect(loadConfig({}).supergraphPath).toBeUndefined();
    expect(loadConfig({ SUPERGRAPH_PATH: '/etc/commerce/supergraph.graphql' }).supergraphPath).toBe('/etc/commerce/supergraph.graphql');
    expect(loadConfig({ SUPERGRAPH_PATH: 'graphs/next.graphql' }).supergraphPath).toBe(`${process.cwd()}/graphs/next.graphql`);
  });
});
