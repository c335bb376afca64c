import { databaseTargets, reportSkippedMysql } from '../platform/testing/databases.ts';
import { eventually } from '../platform/testing/eventually.ts';
import { subscribeToRouter } from '../router/subscriptions/testing/router-subscription.ts';
import { startTestSystem, type TestSystem } from './support/system.ts';

/**
 * A partner key's own limits and its usage per day, end to end: staff set
 * requestsPerMinute, maxQueryCost and maxSubscriptions on a key, the real
 * router applies them to that key only (each refusal with its usual code),
 * and the router's usage reports (requests, errors, cost) land in the key's
 * row for today.
 */
const LIMITS = 'requestsPerMinute maxQueryCost maxSubscriptions';
const CREATE = `mutation Create($input: CreateApiKeyInput!) {
  createApiKey(input: $input) { secret apiKey { id ${LIMITS} } userErrors { code field message } }
}`;
const UPDATE = `mutation Update($input: UpdateApiKeyLimitsInput!) {
  updateApiKeyLimits(input: $input) { apiKey { id ${LIMITS} } userErrors { code field message } }
}`;
const API_KEYS = `query Keys($days: Int) { apiKeys { id requestCount ${LIMITS} usage(days: $days) { day requests errors cost } } }`;

type UserError = { code: string; field: string | null; message: string };
type Limits = { requestsPerMinute: number | null; maxQueryCost: number | null; maxSubscriptions: number | null };
type KeyView = { id: string } & Limits;
type Created = { createApiKey: { secret: string | null; apiKey: KeyView | null; userErrors: UserError[] } };
type Updated = { updateApiKeyLimits: { apiKey: KeyView | null; userErrors: UserError[] } };
type DayOfUsage = { day: string; requests: number; errors: number; cost: number };
type Listed = { apiKeys: (KeyView & { requestCount: number; usage: DayOfUsage[] })[] };

/** Cost 2 (products 1, plus totalCount once for the page of 1); with first: 10 it is 11. */
const CHEAP = '{ products(first: 1) { totalCount } }';
const COSTLY = '{ products(first: 10) { totalCount } }';

describe.each(databaseTargets())('per-key limits and daily usage through the router on $label', (target) => {
  let system: TestSystem;
  let adminToken: string;

  beforeAll(async () => {
    system = await startTestSystem(target, {
      API_KEY_CACHE_SECONDS: '1',
      PARTNER_RATE_LIMIT_PER_MINUTE: '30',
      ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
    });
    adminToken = await system.staffToken(['members:write']);
  });
  afterAll(async () => {
    await system?.close();
  });

  const createKey = async (input: Record<string, unknown>) =>
    (await system.graphql<Created>(CREATE, { input: { scopes: ['catalogue:read', 'stock:read'], ...input } }, adminToken)).body.data!
      .createApiKey;
  const update = async (input: Record<string, unknown>) =>
    (await system.graphql<Updated>(UPDATE, { input }, adminToken)).body.data!.updateApiKeyLimits;
  const listed = async (id: string, days?: number) =>
    (await system.graphql<Listed>(API_KEYS, { days }, adminToken)).body.data!.apiKeys.find((key) => key.id === id)!;
  const asPartner = (secret: string, query: string) => system.graphqlWithHeaders(query, {}, { 'x-api-key': secret });

  it('stores the limits given at creation, and null for those left to the router', async () => {
    const created = await createKey({ name: 'Limited', requestsPerMinute: 100, maxQueryCost: 500 });
    expect(created.userErrors).toEqual([]);
    expect(created.apiKey).toEqual({ id: expect.any(String), requestsPerMinute: 100, maxQueryCost: 500, maxSubscriptions: null });
  });

  it('answers the 4th request of a key allowed 3 a minute with 429 RATE_LIMITED, and another key goes on', async () => {
    const slow = await createKey({ name: 'Three a minute', requestsPerMinute: 3 });
    const other = await createKey({ name: 'Default rate' });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await asPartner(slow.secret!, CHEAP)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const refused = await asPartner(slow.secret!, CHEAP);
    expect(refused.status).toBe(429);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    // The other key draws from its own bucket of 30 (PARTNER_RATE_LIMIT_PER_MINUTE).
    for (let i = 0; i < 6; i++) expect((await asPartner(other.secret!, CHEAP)).status).toBe(200);
  });

  it('refuses an operation above the key’s maxQueryCost with QUERY_TOO_COSTLY, also once the limit is set later', async () => {
    const capped = await createKey({ name: 'Cost 5', maxQueryCost: 5 });
    expect((await asPartner(capped.secret!, CHEAP)).status).toBe(200);
    const refused = await asPartner(capped.secret!, COSTLY);
    expect(refused.status).toBe(400);
    expect(refused.body.errors?.[0]?.extensions).toEqual({ code: 'QUERY_TOO_COSTLY', limit: 5, received: 11 });

    const later = await createKey({ name: 'Capped later' });
    expect((await asPartner(later.secret!, COSTLY)).status).toBe(200);
    expect((await update({ id: later.apiKey!.id, maxQueryCost: 5 })).userErrors).toEqual([]);
    // API_KEY_CACHE_SECONDS is 1: the router learns the new limit within a second.
    await eventually(async () => (await asPartner(later.secret!, COSTLY)).status === 400, 'the new cost limit applies', {
      intervalMs: 100,
    });
  });

  it('refuses a second subscription of a key allowed one with TOO_MANY_SUBSCRIPTIONS; another key may subscribe', async () => {
    const single = await createKey({ name: 'One subscription', maxSubscriptions: 1 });
    const other = await createKey({ name: 'Default subscriptions' });
    const live = { routerUrl: system.system.routerUrl, query: 'subscription { stockChanged { available } }', field: 'stockChanged' };
    const openCount = async () =>
      Number(/^graphql_subscriptions_open (\d+)$/m.exec(await (await fetch(system.system.routerMetricsUrl)).text())?.[1]);
    const before = await openCount();
    const first = subscribeToRouter({ ...live, connectionParams: { 'x-api-key': single.secret! } });
    await eventually(async () => (await openCount()) === before + 1, 'the first subscription is open');
    const second = subscribeToRouter({ ...live, connectionParams: { 'x-api-key': single.secret! } });
    const ended = await second.ended;
    expect(ended.errors?.[0]?.extensions?.code).toBe('TOO_MANY_SUBSCRIPTIONS');
    expect(ended.errors?.[0]?.message).toBe('one caller may hold at most 1 open subscriptions; complete one before subscribing again');
    const third = subscribeToRouter({ ...live, connectionParams: { 'x-api-key': other.secret! } });
    await eventually(async () => (await openCount()) === before + 2, 'the other key’s subscription is open');
    await Promise.all([first, second, third].map((subscription) => subscription.dispose()));
  });

  it('keeps each key’s requests, errors and cost per UTC day', async () => {
    const { apiKey, secret } = await createKey({ name: 'Counted daily', maxQueryCost: 5 });
    for (let i = 0; i < 3; i++) expect((await asPartner(secret!, CHEAP)).status).toBe(200);
    // Refused by the key's cost limit: an error, and nothing executed, so no cost.
    expect((await asPartner(secret!, COSTLY)).status).toBe(400);
    // Not valid against the schema: an error too.
    expect((await asPartner(secret!, '{ noSuchField }')).status).toBe(400);
    const today = new Date().toISOString().slice(0, 10);
    // The router reports usage every few seconds.
    await eventually(
      async () => {
        const usage = (await listed(apiKey!.id, 3)).usage;
        return usage.length === 3 && usage[2]!.requests === 5;
      },
      'five requests are reported',
      { timeoutMs: 15_000, intervalMs: 200 },
    );
    const key = await listed(apiKey!.id, 3);
    expect(key.requestCount).toBe(5);
    expect(key.usage[2]).toEqual({ day: today, requests: 5, errors: 2, cost: 6 });
    // Oldest first; days without use count zeros.
    expect(key.usage.slice(0, 2).map((day) => [day.requests, day.errors, day.cost])).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect(key.usage.map((day) => day.day)).toEqual([...key.usage.map((day) => day.day)].sort());
    expect((await listed(apiKey!.id)).usage).toHaveLength(7);
  });

  it('refuses usage of more than 90 days or fewer than 1', async () => {
    for (const days of [0, 91]) {
      const { body } = await system.graphql(API_KEYS, { days }, adminToken);
      expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(body.errors?.[0]?.message).toContain('from 1 to 90');
    }
  });

  it('refuses limits out of bounds with INVALID_VALUE and changes nothing', async () => {
    const before = (await system.graphql<Listed>(API_KEYS, {}, adminToken)).body.data!.apiKeys.length;
    const refused = await createKey({ name: 'Bad limits', requestsPerMinute: -1, maxQueryCost: 2_000_000_000, maxSubscriptions: 0 });
    expect(refused.secret).toBeNull();
    expect(refused.userErrors.map((error) => [error.code, error.field])).toEqual([
      ['INVALID_VALUE', 'input.requestsPerMinute'],
      ['INVALID_VALUE', 'input.maxQueryCost'],
      ['INVALID_VALUE', 'input.maxSubscriptions'],
    ]);
    expect((await system.graphql<Listed>(API_KEYS, {}, adminToken)).body.data!.apiKeys).toHaveLength(before);

    const { apiKey } = await createKey({ name: 'Kept limits', requestsPerMinute: 10, maxQueryCost: 100 });
    const bad = await update({ id: apiKey!.id, requestsPerMinute: 1_000_001, maxSubscriptions: -5 });
    expect(bad).toEqual({
      apiKey: null,
      userErrors: [
        {
          code: 'INVALID_VALUE',
          field: 'input.requestsPerMinute',
          message: 'input.requestsPerMinute must be a whole number from 1 to 1000000; received 1000001',
        },
        { code: 'INVALID_VALUE', field: 'input.maxSubscriptions', message: expect.stringContaining('received -5') },
      ],
    });
    expect(await listed(apiKey!.id)).toMatchObject({ requestsPerMinute: 10, maxQueryCost: 100, maxSubscriptions: null });
    expect((await update({ id: 'no-such-key', maxQueryCost: 5 })).userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND' })]);
  });

  it('updates only the limits named: null goes back to the router default, one left out keeps its value', async () => {
    const { apiKey } = await createKey({ name: 'Updated limits', requestsPerMinute: 10, maxQueryCost: 100 });
    const updated = await update({ id: apiKey!.id, requestsPerMinute: null, maxSubscriptions: 3 });
    expect(updated).toEqual({
      apiKey: { id: apiKey!.id, requestsPerMinute: null, maxQueryCost: 100, maxSubscriptions: 3 },
      userErrors: [],
    });
  });

  it('lets only staff with members:write change limits', async () => {
    const { apiKey } = await createKey({ name: 'Guarded' });
    const clerk = await system.staffToken(['stock:write']);
    const { status, body } = await system.graphql(UPDATE, { input: { id: apiKey!.id, maxQueryCost: 1 } }, clerk);
    expect(status).toBe(403);
    expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await listed(apiKey!.id)).maxQueryCost).toBeNull();
  });
});

describe('per-key limits and daily usage through the router on MySQL', () => reportSkippedMysql());
