import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Identity } from '../../../platform/auth/identity.ts';
import { createTokenVerifier, type TokenVerifier } from '../../../platform/auth/jwt.ts';
import { loadSecrets } from '../../../platform/auth/secrets.ts';
import { loadConfig } from '../../../platform/config/config.ts';
import { createSubgraphServer } from '../../../platform/graphql/subgraph.ts';
import { createLogger } from '../../../platform/observability/log.ts';
import { databaseTargets, reportSkippedMysql, type TestEnvironment, testEnvironment } from '../../../platform/testing/databases.ts';
import { staff, startTestSubgraph, type TestSubgraph } from '../../../platform/testing/subgraph-client.ts';
import { TOKEN_TTL_SECONDS } from '../accounts/login.ts';
import { FREE_FAILURES } from '../accounts/login-throttle.ts';
import { ROLE_SCOPES } from '../accounts/roles.ts';
import { CredentialEntity, MemberEntity, StaffEntity } from '../entities/account.entity.ts';
import { membersSubgraph } from '../server.ts';

const REGISTER = `mutation ($input: RegisterMemberInput!) {
  registerMember(input: $input) {
    member { id name email phone tier { name } status createdAt }
    userErrors { code field message }
  }
}`;
const LOGIN = `mutation ($input: LoginInput!) {
  login(input: $input) { token expiresAt userErrors { code field message } }
}`;
const ME = '{ me { id name email phone tier { name } } }';
const MEMBER = 'query ($id: ID!) { member(id: $id) { id name email phone tier { name } status } }';
const ENTITIES = `query ($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Member { id name email phone tier { name } } }
}`;

type UserError = { code: string; field: string | null; message: string };
type MemberView = {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  tier: { name: string };
  status?: string;
  createdAt?: string;
};
type RegisterResult = { registerMember: { member: MemberView | null; userErrors: UserError[] } };
type LoginPayload = { token: string | null; expiresAt: string | null; userErrors: UserError[] };

const PASSWORD = 'correct horse battery staple';
const member = (id: string): Identity => ({ kind: 'member', subject: id, scopes: [] });

describe.each(databaseTargets())('member accounts on $label', (target) => {
  let env: TestEnvironment;
  let subgraph: TestSubgraph;
  let verify: TokenVerifier;
  /** Sees every SQL statement the subgraph runs, after it ran. */
  let onQuery: ((sql: string) => void) | undefined;

  beforeAll(async () => {
    env = testEnvironment(target);
    subgraph = await startTestSubgraph(membersSubgraph, env.config, { onQuery: (sql) => onQuery?.(sql) });
    verify = await createTokenVerifier(loadSecrets(env.config).jwtPublicKey, {
      issuer: env.config.jwtIssuer,
      audience: env.config.jwtAudience,
    });
  });
  afterAll(async () => {
    await subgraph?.close();
    await env?.cleanup();
  });

  const register = async (input: { name: string; email: string; phone?: string | null; password: string }) => {
    const { data, errors } = await subgraph.request<RegisterResult>(REGISTER, { input });
    expect(errors).toBeUndefined();
    return data!.registerMember;
  };
  const registered = async (email: string, name = 'Test Member') => {
    const payload = await register({ name, email, password: PASSWORD });
    expect(payload.userErrors).toEqual([]);
    return payload.member!;
  };
  const login = async (email: string, password: string) => {
    const { data, errors } = await subgraph.request<{ login: LoginPayload }>(LOGIN, { input: { email, password } });
    expect(errors).toBeUndefined();
    return data!.login;
  };
  const rows = async () => {
    const em = subgraph.server.db.fork();
    return { members: await em.count(MemberEntity, {}), credentials: await em.count(CredentialEntity, {}) };
  };
  const credentialOf = (email: string) => subgraph.server.db.fork().findOneOrFail(CredentialEntity, { email });

  describe('registerMember', () => {
    it('creates an active BASIC member and shows the registrant their own email and phone', async () => {
      const before = await rows();
      const payload = await register({ name: 'Li Wei', email: 'li.wei@example.com', phone: '+86 138 0000 0000', password: PASSWORD });
      expect(payload).toEqual({
        member: {
          id: expect.any(String),
          name: 'Li Wei',
          email: 'li.wei@example.com',
          phone: '+86 138 0000 0000',
          tier: { name: 'BASIC' },
          status: 'ACTIVE',
          createdAt: expect.any(String),
        },
        userErrors: [],
      });
      expect(await rows()).toEqual({ members: before.members + 1, credentials: before.credentials + 1 });
      // The password is kept only as a scrypt hash.
      const credential = await credentialOf('li.wei@example.com');
      expect(credential).toMatchObject({ accountKind: 'member', accountId: payload.member!.id, failedAttempts: 0, lockedUntil: null });
      expect(credential.passwordHash).toMatch(/^scrypt\$/);
      expect(credential.passwordHash).not.toContain(PASSWORD);
    });

    it('stores the email lower-cased and refuses the same email in any case as DUPLICATE_EMAIL, writing nothing', async () => {
      const created = await registered('  Mixed.Case@Example.COM ');
      expect(created.email).toBe('mixed.case@example.com');
      const stored = await subgraph.server.db.fork().findOneOrFail(MemberEntity, { id: created.id });
      expect(stored.email).toBe('mixed.case@example.com');

      const before = await rows();
      for (const email of ['mixed.case@example.com', 'MIXED.CASE@EXAMPLE.COM']) {
        expect(await register({ name: 'Someone Else', email, password: 'another long password' })).toEqual({
          member: null,
          userErrors: [{ code: 'DUPLICATE_EMAIL', field: 'input.email', message: expect.stringContaining('mixed.case@example.com') }],
        });
      }
      expect(await rows()).toEqual(before);
      // The first registrant's password still holds.
      expect((await login('mixed.case@example.com', PASSWORD)).token).toEqual(expect.any(String));
    });

    it('refuses a member registration with the first admin’s email as DUPLICATE_EMAIL', async () => {
      const before = await rows();
      const payload = await register({ name: 'Not The Admin', email: env.config.seedAdminEmail!.toUpperCase(), password: PASSWORD });
      expect(payload.userErrors.map((error) => error.code)).toEqual(['DUPLICATE_EMAIL']);
      expect(await rows()).toEqual(before);
    });

    it('lets exactly one of several concurrent registrations of one email through', async () => {
      const before = await rows();
      const results = await Promise.all(
        ['race@example.com', 'Race@example.com', 'RACE@example.com', 'race@EXAMPLE.com'].map((email, i) =>
          register({ name: `Racer ${i}`, email, password: `racing password ${i}` }),
        ),
      );
      const created = results.filter((result) => result.member !== null);
      const refused = results.filter((result) => result.userErrors[0]?.code === 'DUPLICATE_EMAIL');
      expect(created).toHaveLength(1);
      expect(refused).toHaveLength(3);
      for (const result of refused) expect(result.member).toBeNull();
      expect(await rows()).toEqual({ members: before.members + 1, credentials: before.credentials + 1 });
      const credential = await credentialOf('race@example.com');
      expect(credential.accountId).toBe(created[0]!.member!.id);
      // The stored password is the winner's.
      const winner = results.indexOf(created[0]!);
      expect((await login('race@example.com', `racing password ${winner}`)).token).toEqual(expect.any(String));
    });

    it.each([
      ['an empty name', { name: '   ', email: 'bad-name@example.com', password: PASSWORD }, 'input.name'],
      ['a malformed email', { name: 'Bad Email', email: 'not-an-email', password: PASSWORD }, 'input.email'],
      ['an email with spaces inside', { name: 'Bad Email', email: 'li wei@example.com', password: PASSWORD }, 'input.email'],
      ['a password under 12 characters', { name: 'Short Password', email: 'short@example.com', password: 'elevenchars' }, 'input.password'],
    ])('refuses %s as INVALID_VALUE and writes nothing', async (_, input, field) => {
      const before = await rows();
      expect(await register(input)).toEqual({ member: null, userErrors: [{ code: 'INVALID_VALUE', field, message: expect.any(String) }] });
      expect(await rows()).toEqual(before);
    });

    it('reports every broken rule of one registration at once', async () => {
      const before = await rows();
      const payload = await register({ name: '', email: 'nope', password: 'short' });
      expect(payload.member).toBeNull();
      expect(payload.userErrors).toEqual([
        { code: 'INVALID_VALUE', field: 'input.name', message: expect.stringContaining('1 to 120 characters') },
        { code: 'INVALID_VALUE', field: 'input.email', message: expect.stringContaining('"nope"') },
        { code: 'INVALID_VALUE', field: 'input.password', message: expect.stringContaining('received 5') },
      ]);
      expect(await rows()).toEqual(before);
    });
  });

  describe('login', () => {
    it('gives a member a JWT with kind member, their id as subject and no scopes, valid for an hour', async () => {
      const created = await registered('token@example.com');
      const startedAt = Date.now();
      // The email is matched whatever its case.
      const payload = await login('Token@Example.com', PASSWORD);
      expect(payload).toEqual({ token: expect.any(String), expiresAt: expect.any(String), userErrors: [] });
      expect(await verify(payload.token!)).toEqual({ kind: 'member', subject: created.id, scopes: [] });
      const ttl = Date.parse(payload.expiresAt!) - startedAt;
      expect(ttl).toBeGreaterThan((TOKEN_TTL_SECONDS - 60) * 1000);
      expect(ttl).toBeLessThanOrEqual((TOKEN_TTL_SECONDS + 60) * 1000);
    });

    it('gives the first admin, created at start, a staff token with the admin role’s scopes', async () => {
      const admin = await subgraph.server.db.fork().findOneOrFail(StaffEntity, { email: env.config.seedAdminEmail! });
      expect(admin).toMatchObject({ roles: 'admin', active: true });
      const payload = await login(env.config.seedAdminEmail!, env.config.seedAdminPassword!);
      expect(payload.userErrors).toEqual([]);
      const identity = await verify(payload.token!);
      expect(identity).toEqual({ kind: 'staff', subject: admin.id, scopes: expect.any(Array) });
      expect([...identity.scopes].sort()).toEqual([...ROLE_SCOPES.admin!].sort());
      expect(identity.scopes).toContain('members:pii');
    });

    it('answers an unknown email and a wrong password with the same INVALID_CREDENTIALS error', async () => {
      await registered('known@example.com');
      const unknown = await login('nobody@example.com', PASSWORD);
      const wrong = await login('known@example.com', 'not the right password');
      expect(unknown).toEqual({
        token: null,
        expiresAt: null,
        userErrors: [{ code: 'INVALID_CREDENTIALS', field: null, message: expect.any(String) }],
      });
      expect(wrong).toEqual(unknown);
    });

    it(`throttles an address after ${FREE_FAILURES} wrong passwords for an account: LOGIN_THROTTLED, the password not even checked`, async () => {
      await registered('throttled@example.com');
      const refusal = await login('nobody@example.com', PASSWORD);
      for (let i = 0; i < FREE_FAILURES; i++) expect(await login('throttled@example.com', `wrong password ${i}`)).toEqual(refusal);
      const throttled = await login('throttled@example.com', PASSWORD);
      expect(throttled).toEqual({
        token: null,
        expiresAt: null,
        userErrors: [{ code: 'LOGIN_THROTTLED', field: null, message: expect.stringMatching(/retry in 1 s/) }],
      });
      // No lock is written to the account: the owner elsewhere is not shut out (test/abuse/login-throttling.spec.ts).
      expect(await credentialOf('throttled@example.com')).toMatchObject({ lockedUntil: null });
    });

    it('starts an address afresh on a successful login', async () => {
      await registered('resets@example.com');
      for (let i = 0; i < FREE_FAILURES - 1; i++) await login('resets@example.com', 'not the right password');
      expect((await login('resets@example.com', PASSWORD)).token).toEqual(expect.any(String));
      // Another run of failures short of the limit does not throttle: the count started again.
      for (let i = 0; i < FREE_FAILURES - 1; i++) await login('resets@example.com', 'not the right password');
      expect((await login('resets@example.com', PASSWORD)).token).toEqual(expect.any(String));
    });
  });

  describe('reading members', () => {
    let own: MemberView;
    let other: MemberView;

    beforeAll(async () => {
      own = (await register({ name: 'Reader One', email: 'reader.one@example.com', phone: '+86 139 1111 1111', password: PASSWORD }))
        .member!;
      other = (await register({ name: 'Reader Two', email: 'reader.two@example.com', phone: '+86 139 2222 2222', password: PASSWORD }))
        .member!;
    });

    it('answers `me` with the signed-in member’s own record, personal data included', async () => {
      const { data, errors } = await subgraph.request<{ me: MemberView | null }>(ME, {}, member(own.id));
      expect(errors).toBeUndefined();
      expect(data!.me).toEqual({
        id: own.id,
        name: 'Reader One',
        email: 'reader.one@example.com',
        phone: '+86 139 1111 1111',
        tier: { name: 'BASIC' },
      });
    });

    it('answers `me` with null for staff, and refuses an anonymous caller with UNAUTHENTICATED', async () => {
      expect(await subgraph.request(ME, {}, staff('members:pii', 'members:read'))).toEqual({ data: { me: null } });
      const anonymous = await subgraph.request(ME);
      expect(anonymous.data).toEqual({ me: null });
      expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    });

    it('refuses `member(id)` with FORBIDDEN to callers without members:pii, the member themself included', async () => {
      for (const identity of [member(own.id), staff('members:read', 'orders:read')]) {
        const { data, errors } = await subgraph.request(MEMBER, { id: own.id }, identity);
        expect(data).toEqual({ member: null });
        expect(errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
        expect(errors?.[0]?.message).toMatch(/members:pii/);
      }
    });

    it('shows staff with members:pii a member’s email and phone, and null for an unknown id', async () => {
      const { data, errors } = await subgraph.request<{ member: MemberView | null }>(MEMBER, { id: other.id }, staff('members:pii'));
      expect(errors).toBeUndefined();
      expect(data!.member).toEqual({
        id: other.id,
        name: 'Reader Two',
        email: 'reader.two@example.com',
        phone: '+86 139 2222 2222',
        tier: { name: 'BASIC' },
        status: 'ACTIVE',
      });
      expect(await subgraph.request(MEMBER, { id: 'no-such-member' }, staff('members:pii'))).toEqual({ data: { member: null } });
    });

    it('resolves the Member entity for another member with the name but without email and phone', async () => {
      const representations = [
        { __typename: 'Member', id: other.id },
        { __typename: 'Member', id: own.id },
      ];
      const { data, errors } = await subgraph.request<{ _entities: MemberView[] }>(ENTITIES, { representations }, member(own.id));
      expect(errors).toBeUndefined();
      expect(data!._entities).toEqual([
        { id: other.id, name: 'Reader Two', email: null, phone: null, tier: { name: 'BASIC' } },
        { id: own.id, name: 'Reader One', email: 'reader.one@example.com', phone: '+86 139 1111 1111', tier: { name: 'BASIC' } },
      ]);
      // Staff without members:pii (an order clerk, say) see no personal data either.
      const clerk = await subgraph.request<{ _entities: MemberView[] }>(ENTITIES, { representations }, staff('orders:read'));
      expect(clerk.data!._entities.map((entity) => [entity.email, entity.phone])).toEqual([
        [null, null],
        [null, null],
      ]);
    });
  });

  describe('membersByPhone (the till finds the customer)', () => {
    const BY_PHONE = 'query ($phone: String!) { membersByPhone(phone: $phone) { id name email phone } }';
    const cashier = staff(...ROLE_SCOPES.cashier!);
    const phone = '+86 138 0000 0001';

    it('finds a cashier the members with exactly that number, oldest first, at most five, without their personal data', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) {
        const payload = await register({ name: `Till ${i}`, email: `till-${i}@example.com`, phone, password: PASSWORD });
        ids.push(payload.member!.id);
      }
      await registered('till-other@example.com', 'Till Other');
      const { data, errors } = await subgraph.request<{ membersByPhone: MemberView[] }>(BY_PHONE, { phone: `  ${phone} ` }, cashier);
      expect(errors).toBeUndefined();
      expect(data!.membersByPhone).toEqual(ids.slice(0, 5).map((id, i) => ({ id, name: `Till ${i}`, email: null, phone: null })));
      // Another number, or one that only looks like SQL, finds nobody.
      for (const other of ['+86 138 0000 0002', "' or '1'='1"]) {
        expect(await subgraph.request(BY_PHONE, { phone: other }, cashier)).toEqual({ data: { membersByPhone: [] } });
      }
    });

    it('refuses callers without members:read with FORBIDDEN', async () => {
      for (const identity of [member('someone'), staff('orders:write')]) {
        const { errors } = await subgraph.request(BY_PHONE, { phone }, identity);
        expect(errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      }
    });

    it('refuses an empty number and one over 40 characters as PHONE_INVALID', async () => {
      for (const bad of ['   ', '1'.repeat(41)]) {
        const { data, errors } = await subgraph.request(BY_PHONE, { phone: bad }, cashier);
        expect(data).toBeNull();
        expect(errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'PHONE_INVALID' });
      }
    });
  });
});

describe('member accounts on MySQL', () => {
  reportSkippedMysql();
});

describe('the members subgraph in production', () => {
  const dataDirs: string[] = [];
  afterAll(() => {
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  });

  const log = createLogger('members', { quiet: true });
  const productionConfig = (extra: Record<string, string> = {}) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'commerce-members-prod-'));
    dataDirs.push(dataDir);
    const pair = generateKeyPairSync('ed25519');
    return loadConfig({
      NODE_ENV: 'production',
      INTERNAL_AUTH_SECRET: 'x'.repeat(32),
      JWT_PUBLIC_KEY: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      JWT_PRIVATE_KEY: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      DATA_DIR: dataDir,
      // Production migrates in a separate step (npm run migrate); these tests are about the first admin.
      MIGRATE_ON_START: 'true',
      ...extra,
    });
  };

  it('refuses to start without SEED_ADMIN_EMAIL and SEED_ADMIN_PASSWORD', async () => {
    const config = productionConfig();
    expect(config.seedAdminEmail).toBeUndefined();
    await expect(createSubgraphServer(membersSubgraph, config, { secrets: loadSecrets(config), log })).rejects.toThrow(/SEED_ADMIN_EMAIL/);
  });

  it('starts with them and creates that first admin', async () => {
    const config = productionConfig({ SEED_ADMIN_EMAIL: 'Owner@Example.com', SEED_ADMIN_PASSWORD: 'a production password' });
    const server = await createSubgraphServer(membersSubgraph, config, { secrets: loadSecrets(config), log });
    try {
      const admin = await server.db.fork().findOneOrFail(StaffEntity, { email: 'owner@example.com' });
      expect(admin).toMatchObject({ roles: 'admin', active: true });
    } finally {
      await server.close();
    }
  });
});
