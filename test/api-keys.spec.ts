import { databaseTargets, reportSkippedMysql } from '../platform/testing/databases.ts';
import { eventually } from '../platform/testing/eventually.ts';
import { subscribeOverMultipart } from '../router/subscriptions/testing/router-multipart.ts';
import { subscribeToRouter } from '../router/subscriptions/testing/router-subscription.ts';
import { contractExamples, contractOperation } from './support/contract.ts';
import { startTestSystem, type TestSystem } from './support/system.ts';

/**
 * Partner API keys end to end: staff create and revoke keys through the
 * router, partners call the router with `x-api-key` and get exactly their
 * key's scopes, a revoked key stops working once the router's short cache
 * lets go of it, usage is counted, and each key has its own rate limit.
 */
const CREATE_API_KEY = contractOperation('members.graphql', 'CreateApiKey');
const REVOKE_API_KEY = contractOperation('members.graphql', 'RevokeApiKey');
const LOGIN = contractOperation('members.graphql', 'Login');
const ROTATE_API_KEY = `mutation Rotate($input: RotateApiKeyInput!) {
  rotateApiKey(input: $input) { secret apiKey { id prefix rotatedAt previousSecretExpiresAt } userErrors { code field message } }
}`;
type Rotated = {
  rotateApiKey: {
    secret: string | null;
    apiKey: { id: string; prefix: string; rotatedAt: string; previousSecretExpiresAt: string | null } | null;
    userErrors: UserError[];
  };
};
const examples = contractExamples();

const PRODUCTS = '{ products(first: 1) { totalCount } }';
const CREATE_WAREHOUSE =
  'mutation { createWarehouse(input: {code: "PARTNER-WH", name: "Partner", region: "East"}) { warehouse { id } userErrors { code } } }';
const API_KEYS = '{ apiKeys { id name prefix scopes revokedAt lastUsedAt requestCount } }';

type UserError = { code: string; field: string | null; message: string };
type ApiKey = { id: string; name: string; prefix: string; scopes: string[]; createdAt: string };
type Created = { createApiKey: { apiKey: ApiKey | null; secret: string | null; userErrors: UserError[] } };

describe.each(databaseTargets())('partner API keys through the router on $label', (target) => {
  let system: TestSystem;
  let adminToken: string;

  beforeAll(async () => {
    system = await startTestSystem(target, {
      API_KEY_CACHE_SECONDS: '1',
      PARTNER_RATE_LIMIT_PER_MINUTE: '30',
      // With REDIS_URL the buckets live in Redis, as they do with several routers.
      ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
    });
    // The seeded first admin, logged in for real: the token is the members subgraph's own.
    const login = await system.graphql<{ login: { token: string } }>(LOGIN, {
      input: { email: 'admin@example.com', password: 'development-only-admin' },
    });
    adminToken = login.body.data!.login.token;
  });
  afterAll(async () => {
    await system?.close();
  });

  const createKey = async (input: { name: string; scopes: string[]; expiresAt?: string }) => {
    const { body } = await system.graphql<Created>(CREATE_API_KEY, { input }, adminToken);
    return body.data!.createApiKey;
  };
  const asPartner = (secret: string, query: string) => system.graphqlWithHeaders(query, {}, { 'x-api-key': secret });

  it('creates a key with the contract example, returning its secret once and storing only a prefix to show', async () => {
    const created = await createKey((examples.CreateApiKey as { input: { name: string; scopes: string[] } }).input);
    expect(created.userErrors).toEqual([]);
    expect(created.secret).toMatch(/^cpk_[A-Za-z0-9_-]{43}$/);
    expect(created.apiKey).toEqual({
      id: expect.any(String),
      name: 'Partner: parts aggregator',
      prefix: created.secret!.slice(0, 12),
      scopes: ['catalogue:read', 'stock:read'],
      createdAt: expect.any(String),
    });
    const { body } = await system.graphql<{ apiKeys: Record<string, unknown>[] }>(API_KEYS, {}, adminToken);
    const listed = body.data!.apiKeys.find((key) => key.id === created.apiKey!.id);
    expect(listed).toEqual(expect.objectContaining({ prefix: created.apiKey!.prefix, revokedAt: null }));
    expect(JSON.stringify(body)).not.toContain(created.secret);
  });

  it('refuses unknown scopes and an empty name, and creates nothing', async () => {
    const before = (await system.graphql<{ apiKeys: unknown[] }>(API_KEYS, {}, adminToken)).body.data!.apiKeys.length;
    const created = await createKey({ name: ' ', scopes: ['catalogue:read', 'everything:write'] });
    expect(created.apiKey).toBeNull();
    expect(created.secret).toBeNull();
    expect(created.userErrors.map((error) => [error.code, error.field])).toEqual([
      ['INVALID_VALUE', 'input.name'],
      ['INVALID_VALUE', 'input.scopes[1]'],
    ]);
    expect((await system.graphql<{ apiKeys: unknown[] }>(API_KEYS, {}, adminToken)).body.data!.apiKeys).toHaveLength(before);
  });

  it('lets only staff with members:write create keys', async () => {
    const clerk = await system.staffToken(['stock:write']);
    const { status, body } = await system.graphql(CREATE_API_KEY, { input: { name: 'x', scopes: ['catalogue:read'] } }, clerk);
    expect(status).toBe(403);
    expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('gives a partner exactly the scopes of its key', async () => {
    const { secret } = await createKey({ name: 'Catalogue reader', scopes: ['catalogue:read'] });
    const read = await asPartner(secret!, PRODUCTS);
    expect(read.status).toBe(200);
    expect(read.body.data).toEqual({ products: { totalCount: expect.any(Number) } });
    const write = await asPartner(secret!, CREATE_WAREHOUSE);
    expect(write.status).toBe(403);
    expect(write.body.errors?.[0]?.message).toBe(
      'Mutation.createWarehouse requires the scope stock:write; the caller holds [catalogue:read]',
    );
  });

  it('refuses an unknown key, a malformed one, and a request carrying both a key and a token, with 401', async () => {
    for (const secret of [`cpk_${'A'.repeat(43)}`, 'not-a-key']) {
      const { status, headers, body } = await asPartner(secret, PRODUCTS);
      expect(status).toBe(401);
      expect(headers.get('www-authenticate')).toBe('ApiKey error="invalid_token"');
      expect(body).toEqual({
        errors: [{ message: 'the x-api-key is not valid: it is unknown, revoked or expired', extensions: { code: 'UNAUTHENTICATED' } }],
      });
    }
    const { secret } = await createKey({ name: 'Both', scopes: ['catalogue:read'] });
    const both = await system.graphqlWithHeaders(PRODUCTS, {}, { 'x-api-key': secret!, authorization: `Bearer ${adminToken}` });
    expect(both.status).toBe(401);
    expect(both.body.errors?.[0]?.message).toBe('send either an authorization header or an x-api-key, not both');
  });

  it('stops a revoked key within the cache lifetime, and revoking again changes nothing', async () => {
    const { apiKey, secret } = await createKey({ name: 'To revoke', scopes: ['catalogue:read'] });
    expect((await asPartner(secret!, PRODUCTS)).status).toBe(200);
    const revoked = await system.graphql<{ revokeApiKey: { apiKey: { id: string; revokedAt: string } } }>(
      REVOKE_API_KEY,
      { input: { id: apiKey!.id } },
      adminToken,
    );
    const revokedAt = revoked.body.data!.revokeApiKey.apiKey.revokedAt;
    expect(revokedAt).toEqual(expect.any(String));
    // API_KEY_CACHE_SECONDS is 1 here: the router asks members again after a second at most.
    await eventually(async () => (await asPartner(secret!, PRODUCTS)).status === 401, 'the revoked key is refused', { intervalMs: 100 });
    const again = await system.graphql<{ revokeApiKey: { apiKey: { revokedAt: string } } }>(
      REVOKE_API_KEY,
      { input: { id: apiKey!.id } },
      adminToken,
    );
    expect(again.body.data!.revokeApiKey.apiKey.revokedAt).toBe(revokedAt);
  });

  /** Moves a stored time of a key into the past, as time passing would (the members database is the test's to arrange). */
  const backdate = async (column: 'expires_at' | 'previous_secret_expires_at', id: string) => {
    const members = system.system.subgraphs.find((subgraph) => subgraph.name === 'members')!;
    await members.db.run(members.db.fork(), `update api_key set ${column} = ? where id = ?`, [
      members.db.sqlDate(new Date(Date.now() - 1000)),
      id,
    ]);
  };
  const status = async (secret: string) => (await asPartner(secret, PRODUCTS)).status;

  it('refuses a key past its expiry with 401, and an expiry in the past or more than two years ahead', async () => {
    const inAnHour = new Date(Date.now() + 3_600_000).toISOString();
    const { apiKey, secret, userErrors } = await createKey({ name: 'Expiring', scopes: ['catalogue:read'], expiresAt: inAnHour });
    expect(userErrors).toEqual([]);
    expect(await status(secret!)).toBe(200);
    await backdate('expires_at', apiKey!.id);
    // API_KEY_CACHE_SECONDS is 1 here: the router asks members again after a second at most.
    await eventually(async () => (await status(secret!)) === 401, 'the expired key is refused', { intervalMs: 100 });

    for (const expiresAt of [new Date(Date.now() - 60_000).toISOString(), new Date(Date.now() + 3 * 366 * 86_400_000).toISOString()]) {
      const refused = await createKey({ name: 'Badly expiring', scopes: ['catalogue:read'], expiresAt });
      expect(refused.userErrors).toEqual([{ code: 'INVALID_VALUE', field: 'input.expiresAt', message: expect.stringContaining('future') }]);
      expect(refused.secret).toBeNull();
    }
  });

  it('rotates a key: both secrets work during the overlap, only the new one after it', async () => {
    const { apiKey, secret: oldSecret } = await createKey({ name: 'Rotated', scopes: ['catalogue:read'] });
    const { body } = await system.graphql<Rotated>(ROTATE_API_KEY, { input: { id: apiKey!.id, overlapSeconds: 3600 } }, adminToken);
    const rotated = body.data!.rotateApiKey;
    expect(rotated.userErrors).toEqual([]);
    expect(rotated.secret).toMatch(/^cpk_[A-Za-z0-9_-]{43}$/);
    expect(rotated.secret).not.toBe(oldSecret);
    expect(rotated.apiKey!.prefix).toBe(rotated.secret!.slice(0, 12));
    expect(Date.parse(rotated.apiKey!.previousSecretExpiresAt!)).toBeGreaterThan(Date.now() + 3_500_000);
    expect(await status(oldSecret!)).toBe(200);
    expect(await status(rotated.secret!)).toBe(200);

    await backdate('previous_secret_expires_at', apiKey!.id);
    await eventually(async () => (await status(oldSecret!)) === 401, 'the replaced secret is refused after the overlap', {
      intervalMs: 100,
    });
    expect(await status(rotated.secret!)).toBe(200);
  });

  it('refuses to rotate with a bad overlap (INVALID_VALUE), an unknown key (NOT_FOUND) or a revoked one (API_KEY_INACTIVE)', async () => {
    const { apiKey } = await createKey({ name: 'To revoke', scopes: ['catalogue:read'] });
    const rotate = async (input: Record<string, unknown>) =>
      (await system.graphql<Rotated>(ROTATE_API_KEY, { input }, adminToken)).body.data!.rotateApiKey;
    for (const overlapSeconds of [-1, 30 * 86_400 + 1]) {
      const refused = await rotate({ id: apiKey!.id, overlapSeconds });
      expect(refused).toMatchObject({ secret: null, userErrors: [{ code: 'INVALID_VALUE', field: 'input.overlapSeconds' }] });
    }
    expect((await rotate({ id: 'no-such-key' })).userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND' })]);
    await system.graphql(REVOKE_API_KEY, { input: { id: apiKey!.id } }, adminToken);
    expect(await rotate({ id: apiKey!.id })).toMatchObject({ secret: null, userErrors: [{ code: 'API_KEY_INACTIVE' }] });
  });

  it('says NOT_FOUND for revoking a key that does not exist', async () => {
    const { body } = await system.graphql(REVOKE_API_KEY, examples.RevokeApiKey, adminToken);
    expect(body.data).toEqual({
      revokeApiKey: { apiKey: null, userErrors: [{ code: 'NOT_FOUND', field: 'input.id', message: 'there is no API key any-api-key-id' }] },
    });
  });

  it('counts each key’s requests, subscriptions included, and its last use', async () => {
    const { apiKey, secret } = await createKey({ name: 'Counted', scopes: ['catalogue:read'] });
    for (let i = 0; i < 3; i++) expect((await asPartner(secret!, PRODUCTS)).status).toBe(200);
    // A subscription over graphql-ws and one streamed over HTTP count as one request each.
    const live = { routerUrl: system.system.routerUrl, query: 'subscription { stockChanged { available } }', field: 'stockChanged' };
    const streams = [
      subscribeToRouter({ ...live, connectionParams: { 'x-api-key': secret! } }),
      subscribeOverMultipart({ ...live, headers: { 'x-api-key': secret! } }),
    ];
    await eventually(
      async () => /^graphql_subscriptions_open 2$/m.test(await (await fetch(system.system.routerMetricsUrl)).text()),
      'both subscriptions are open',
    );
    await Promise.all(streams.map((stream) => stream.dispose()));
    // The router reports usage every few seconds.
    await eventually(
      async () => {
        const { body } = await system.graphql<{ apiKeys: { id: string; requestCount: number; lastUsedAt: string | null }[] }>(
          API_KEYS,
          {},
          adminToken,
        );
        const key = body.data!.apiKeys.find((candidate) => candidate.id === apiKey!.id)!;
        return key.requestCount === 5 && key.lastUsedAt !== null;
      },
      'three requests and two subscriptions are counted',
      { timeoutMs: 10_000, intervalMs: 100 },
    );
  });

  it('answers a key over its limit with 429 RATE_LIMITED and a retry-after hint, without touching other keys', async () => {
    const busy = await createKey({ name: 'Busy', scopes: ['catalogue:read'] });
    const calm = await createKey({ name: 'Calm', scopes: ['catalogue:read'] });
    const answers = await Promise.all(Array.from({ length: 35 }, () => asPartner(busy.secret!, PRODUCTS)));
    const limited = answers.filter((answer) => answer.status === 429);
    // 30 a minute: a burst of 30, then one more every 2 seconds.
    expect(answers.filter((answer) => answer.status === 200).length).toBeLessThanOrEqual(31);
    expect(limited.length).toBeGreaterThanOrEqual(4);
    const [first] = limited;
    expect(Number(first!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(first!.body).toEqual({
      errors: [
        {
          message: expect.stringMatching(/^too many requests; retry after \d+ seconds?$/),
          extensions: { code: 'RATE_LIMITED', retryAfterSeconds: Number(first!.headers.get('retry-after')) },
        },
      ],
    });
    expect((await asPartner(calm.secret!, PRODUCTS)).status).toBe(200);
  });
});

describe('partner API keys through the router on MySQL', () => reportSkippedMysql());
