import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { Redis } from 'ioredis';
import { type ConfigError, loadConfig } from '../../platform/config/config.ts';
import type { Logger } from '../../platform/observability/log.ts';
import { eventually } from '../../platform/testing/eventually.ts';
import { type Harness, startHarness } from '../testing/harness.ts';
import { HELLO } from '../testing/operations.ts';
import { redisQueryCache } from './persisted-queries.ts';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const quiet: Logger = { info: () => {}, warn: () => {}, error: () => {} };

/** APQ requests: the hash alone, or the hash with the query (which registers it). */
async function persisted(routerUrl: string, hash: string, query?: string, method: 'GET' | 'POST' = 'POST') {
  const extensions = { persistedQuery: { version: 1, sha256Hash: hash } };
  let response: Response;
  if (method === 'GET') {
    const url = new URL(routerUrl);
    url.searchParams.set('extensions', JSON.stringify(extensions));
    if (query) url.searchParams.set('query', query);
    response = await fetch(url, { headers: { 'apollo-require-preflight': 'true' } });
  } else {
    response = await fetch(routerUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, extensions }),
    });
  }
  return {
    status: response.status,
    body: (await response.json()) as { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] },
  };
}

describe('automatic persisted queries in memory', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => {
    await harness.close();
  });

  it('misses an unknown hash, registers the query sent with its hash, then runs it by hash over GET and POST', async () => {
    const query = `query Persisted${Date.now()} { hello }`;
    const hash = sha256(query);
    const miss = await persisted(harness.routerUrl, hash);
    expect(miss.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect(miss.body.data).toBeUndefined();

    expect((await persisted(harness.routerUrl, hash, query)).body).toEqual({ data: { hello: 'hello from the test subgraph' } });
    expect((await persisted(harness.routerUrl, hash)).body).toEqual({ data: { hello: 'hello from the test subgraph' } });
    expect((await persisted(harness.routerUrl, hash, undefined, 'GET')).body).toEqual({ data: { hello: 'hello from the test subgraph' } });
  });

  it('refuses to register a query under a hash that is not its own', async () => {
    const { status, body } = await persisted(harness.routerUrl, sha256('{ something else }'), HELLO);
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_HASH_MISMATCH');
    // Nothing was stored under the wrong hash.
    expect((await persisted(harness.routerUrl, sha256('{ something else }'))).body.errors?.[0]?.extensions?.code).toBe(
      'PERSISTED_QUERY_NOT_FOUND',
    );
  });
});

const redisUrl = process.env.REDIS_URL;
const describeRedis = redisUrl ? describe : describe.skip;

describe('automatic persisted queries in Redis', () => {
  if (!redisUrl) it.skip('in Redis: not run, because REDIS_URL is not set', () => undefined);

  it('turns a Redis outage into a miss (the client then sends the query), never a failure', async () => {
    const unreachable = redisQueryCache('redis://127.0.0.1:1', quiet);
    try {
      expect(await unreachable.cache.get('some-hash')).toBeUndefined();
      await expect(unreachable.cache.set('some-hash', '{ hello }')).resolves.toBeUndefined();
    } finally {
      unreachable.close();
    }
  });
});

describeRedis('automatic persisted queries shared by two routers through Redis', () => {
  let first: Harness;
  let second: Harness;
  beforeAll(async () => {
    first = await startHarness({ env: { REDIS_URL: redisUrl! } });
    second = await startHarness({ env: { REDIS_URL: redisUrl! } });
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
  });

  it('runs by hash at one router a query registered at the other, and keeps it in Redis with an expiry', async () => {
    const query = `query Shared${Date.now()}${Math.random().toString(36).slice(2)} { hello }`;
    const hash = sha256(query);
    expect((await persisted(second.routerUrl, hash)).body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const redis = new Redis(redisUrl!);
    try {
      // Registration is stored without waiting for it (and not at all while the router's Redis connection is still coming up).
      const registrations: unknown[] = [];
      await eventually(
        async () => {
          registrations.push((await persisted(first.routerUrl, hash, query)).body);
          return (await redis.exists(`router:apq:${hash}`)) === 1;
        },
        'the registered query is in Redis',
        { intervalMs: 50 },
      );
      for (const body of registrations) expect(body).toEqual({ data: { hello: 'hello from the test subgraph' } });
      expect(await redis.ttl(`router:apq:${hash}`)).toBeGreaterThan(0);
    } finally {
      redis.disconnect();
    }
    // The second router's Redis connection may still be coming up (a lookup then counts as a miss): ask until it answers.
    await eventually(
      async () =>
        expect((await persisted(second.routerUrl, hash, undefined, 'GET')).body).toEqual({
          data: { hello: 'hello from the test subgraph' },
        }),
      'the second router answers the query by its hash',
      { intervalMs: 100 },
    );
  });
});

describe('introspection, GraphiQL and the request deadline, as configured', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ env: { INTROSPECTION: 'false', GRAPHIQL: 'false', REQUEST_TIMEOUT_MS: '300' } });
  });
  afterAll(async () => {
    await harness.close();
  });

  it('are off by default in production and on elsewhere', () => {
    const production = {
      NODE_ENV: 'production',
      INTERNAL_AUTH_SECRET: 'x'.repeat(32),
      JWT_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----\nx\n-----END PUBLIC KEY-----',
    };
    expect(loadConfig(production)).toMatchObject({ introspection: false, graphiql: false });
    expect(loadConfig({})).toMatchObject({ introspection: true, graphiql: true });
    expect(loadConfig({ ...production, INTROSPECTION: 'true' })).toMatchObject({ introspection: true, graphiql: false });
  });

  it('refuses introspection when it is off, and still answers __typename and queries', async () => {
    const { status, body } = await harness.graphql('{ __schema { queryType { name } } }');
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(body.errors?.[0]?.message).toMatch(/introspection is not allowed/);
    expect((await harness.graphql('{ __typename hello }')).body).toEqual({
      data: { __typename: 'Query', hello: 'hello from the test subgraph' },
    });
  });

  it('does not serve GraphiQL when it is off', async () => {
    const response = await fetch(new URL('/graphiql', harness.routerUrl));
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      errors: [{ message: expect.stringContaining('GRAPHIQL=false'), extensions: { code: 'NOT_FOUND' } }],
    });
  });

  it('answers 408 REQUEST_TIMEOUT to a body that does not arrive in time, and serves the next request', async () => {
    const url = new URL(harness.routerUrl);
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const slow = request(
        url,
        { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': '1000' } },
        (response) => {
          let body = '';
          response.on('data', (chunk) => {
            body += chunk;
          });
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
        },
      );
      slow.on('error', reject);
      // Part of the body, then nothing: the rest never comes.
      slow.write('{"query":');
    });
    expect(answer.status).toBe(408);
    expect(JSON.parse(answer.body)).toEqual({
      errors: [{ message: 'the request body did not arrive within 300 ms', extensions: { code: 'REQUEST_TIMEOUT' } }],
    });
    expect((await harness.graphql(HELLO)).body).toEqual({ data: { hello: 'hello from the test subgraph' } });
  });
});

describe('the limit settings', () => {
  it('reads per-partner cost limits and names a malformed entry', () => {
    expect(loadConfig({ PARTNER_QUERY_COST_LIMITS: 'key-1=100, key-2=5000' }).operationLimits.partnerCostLimits).toEqual({
      'key-1': 100,
      'key-2': 5000,
    });
    let problems: readonly string[] = [];
    try {
      loadConfig({ PARTNER_QUERY_COST_LIMITS: 'key-1=100,key-2', MAX_QUERY_DEPTH: '0', INTROSPECTION: 'maybe' });
    } catch (error) {
      problems = (error as ConfigError).problems;
    }
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^PARTNER_QUERY_COST_LIMITS must be keyId=cost pairs .*received "key-2"$/),
        'MAX_QUERY_DEPTH must be a whole number from 1 to 1000; received "0"',
        'INTROSPECTION must be true or false; received "maybe"',
      ]),
    );
  });
});
