import type { Identity } from '../../../platform/auth/identity.ts';
import { databaseTargets, reportSkippedMysql, type TestEnvironment, testEnvironment } from '../../../platform/testing/databases.ts';
import { staff, startTestSubgraph, type TestSubgraph } from '../../../platform/testing/subgraph-client.ts';
import { membersSubgraph } from '../server.ts';

/**
 * Usage reports from routers (recordApiKeyUsage) against a real database:
 * reports arriving at once all count (the daily row is an additive upsert in
 * one statement), each lands on its UTC day, and malformed entries change
 * nothing.
 */
const ROUTER: Identity = { kind: 'service', subject: 'router', scopes: ['members:api-keys'] };
const ADMIN = staff('members:write');
const CREATE = `mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { apiKey { id } userErrors { code } } }`;
const RECORD = 'mutation ($usage: [ApiKeyUsageInput!]!) { recordApiKeyUsage(usage: $usage) }';
const KEYS = 'query ($days: Int) { apiKeys { id requestCount lastUsedAt usage(days: $days) { day requests errors cost } } }';

type Usage = { day: string; requests: number; errors: number; cost: number };
type Keys = { apiKeys: { id: string; requestCount: number; lastUsedAt: string | null; usage: Usage[] }[] };

describe.each(databaseTargets())('API key usage per day on $label', (target) => {
  let env: TestEnvironment;
  let subgraph: TestSubgraph;

  beforeAll(async () => {
    env = testEnvironment(target);
    subgraph = await startTestSubgraph(membersSubgraph, env.config);
  });
  afterAll(async () => {
    await subgraph?.close();
    await env?.cleanup();
  });

  const createKey = async (name: string) => {
    const { data } = await subgraph.request<{ createApiKey: { apiKey: { id: string } } }>(
      CREATE,
      { input: { name, scopes: ['catalogue:read'] } },
      ADMIN,
    );
    return data!.createApiKey.apiKey.id;
  };
  const record = (usage: Record<string, unknown>[]) => subgraph.request<{ recordApiKeyUsage: number }>(RECORD, { usage }, ROUTER);
  const keyView = async (id: string, days: number) =>
    (await subgraph.request<Keys>(KEYS, { days }, ADMIN)).data!.apiKeys.find((key) => key.id === id)!;

  it('adds every one of many concurrent reports, each on the UTC day of its last use', async () => {
    const id = await createKey('Concurrent reports');
    const now = new Date();
    const yesterday = new Date(now.getTime() - 86_400_000);
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => record([{ id, requests: 1, errors: 1, cost: 3, lastUsedAt: now.toISOString() }])),
    );
    expect(answers.map((answer) => answer.data?.recordApiKeyUsage)).toEqual(Array(20).fill(1));
    // A router of an earlier version reports requests only: errors and cost count 0.
    await record([{ id, requests: 2, lastUsedAt: yesterday.toISOString() }]);
    const key = await keyView(id, 2);
    expect(key.requestCount).toBe(22);
    expect(key.usage).toEqual([
      { day: yesterday.toISOString().slice(0, 10), requests: 2, errors: 0, cost: 0 },
      { day: now.toISOString().slice(0, 10), requests: 20, errors: 20, cost: 60 },
    ]);
    // A late report does not move the last use backwards.
    expect(key.lastUsedAt).toBe(now.toISOString());
  });

  it('skips negative and empty entries, and changes nothing for a key that does not exist', async () => {
    const id = await createKey('Malformed reports');
    const lastUsedAt = new Date().toISOString();
    const { data } = await record([
      { id, requests: -1, lastUsedAt },
      { id, requests: 1, errors: -2, lastUsedAt },
      { id, requests: 0, errors: 0, cost: 0, lastUsedAt },
      { id, requests: 0, errors: 1, cost: 4, lastUsedAt },
      { id: 'no-such-key', requests: 3, lastUsedAt },
    ]);
    // The last two are well formed (GraphQL itself refuses a fraction); the unknown key's changes no row.
    expect(data!.recordApiKeyUsage).toBe(2);
    const key = await keyView(id, 1);
    expect(key.requestCount).toBe(0);
    expect(key.usage).toEqual([{ day: lastUsedAt.slice(0, 10), requests: 0, errors: 1, cost: 4 }]);
    const { db } = subgraph.server;
    expect(await db.execute(db.fork(), 'select * from api_key_usage where api_key_id = ?', ['no-such-key'])).toEqual([]);
  });
});

describe('API key usage per day on MySQL', () => reportSkippedMysql());
