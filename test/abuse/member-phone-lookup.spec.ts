import { startTestSystem, type TestSystem } from '../support/system.ts';

/**
 * Hostile phone lookups (issue 22 D3, the till's membersByPhone): only staff with members:read may ask; a number
 * is matched exactly, so SQL or LIKE wildcards find nobody; an empty or oversized number is refused with its own
 * reason and a short message; and the answer never carries personal data to a caller without members:pii.
 */
const BY_PHONE = 'query ($phone: String!) { membersByPhone(phone: $phone) { id name email phone } }';
const REGISTER = 'mutation ($input: RegisterMemberInput!) { registerMember(input: $input) { member { id } } }';

type Answer = {
  membersByPhone?: { id: string; name: string; email: string | null; phone: string | null }[];
};

describe('hostile member phone lookups', () => {
  let system: TestSystem;
  let cashier: string;
  const phone = '+86 137 0000 0042';
  beforeAll(async () => {
    system = await startTestSystem({ label: 'SQLite', mysqlUrl: undefined });
    cashier = await system.staffToken(['orders:write', 'payments:write', 'members:read', 'catalogue:read', 'stock:read']);
    await system.graphql(REGISTER, { input: { name: 'Zhao Lei', email: 'zhao@example.com', phone, password: 'a long enough password' } });
  });
  afterAll(async () => {
    await system?.close();
  });

  it('answers only staff with members:read, without personal data', async () => {
    const { body } = await system.graphql<Answer>(BY_PHONE, { phone }, cashier);
    expect(body.errors).toBeUndefined();
    expect(body.data!.membersByPhone).toEqual([{ id: expect.any(String), name: 'Zhao Lei', email: null, phone: null }]);
    const member = await system.memberToken(body.data!.membersByPhone![0]!.id);
    for (const token of [undefined, member, await system.staffToken(['orders:write'])]) {
      const refused = await system.graphql<Answer>(BY_PHONE, { phone }, token);
      expect(refused.body.data?.membersByPhone).toBeUndefined();
      expect(['UNAUTHENTICATED', 'FORBIDDEN']).toContain(refused.body.errors?.[0]?.extensions?.code);
    }
  });

  it.each([
    ['a LIKE wildcard', '%'],
    ['a prefix with a wildcard', '+86 137%'],
    ['SQL', "' or '1'='1"],
    ['a comment', `${phone}' --`],
  ])('finds nobody for %s', async (_, hostile) => {
    const { body } = await system.graphql<Answer>(BY_PHONE, { phone: hostile }, cashier);
    expect(body).toEqual({ data: { membersByPhone: [] } });
  });

  it.each([
    ['an empty number', ''],
    ['spaces only', '   '],
    ['41 characters', '1'.repeat(41)],
    ['a megabyte', '1'.repeat(1_000_000)],
  ])('refuses %s as PHONE_INVALID with a short message', async (_, bad) => {
    const { status, body } = await system.graphql<Answer>(BY_PHONE, { phone: bad }, cashier);
    expect(status).toBe(200);
    const error = body.errors?.[0];
    expect(error?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'PHONE_INVALID' });
    expect(error!.message.length).toBeLessThan(300);
  });
});
