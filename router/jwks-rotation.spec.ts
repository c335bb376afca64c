import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createTokenMinter } from '../platform/auth/jwt.ts';
import { loadSecrets } from '../platform/auth/secrets.ts';
import { createSubgraphServer, type SubgraphServer } from '../platform/graphql/subgraph.ts';
import type { Logger } from '../platform/observability/log.ts';
import { type TestEnvironment, testEnvironment } from '../platform/testing/databases.ts';
import { membersSubgraph } from '../subgraphs/members/server.ts';
import { createRouter, type Router } from './server.ts';

/**
 * The router verifies tokens through the members subgraph's JWKS: a router
 * configured with none of members' keys still accepts the tokens members
 * signs (so members can move to a new signing key without a router restart),
 * refuses keys neither knows, and says "retry" rather than "invalid" when the
 * key set cannot be fetched.
 */
const SQLITE = { label: 'SQLite', mysqlUrl: undefined } as const;
const quiet: Logger = { info: () => {}, warn: () => {}, error: () => {} };
const pemPair = () => {
  const pair = generateKeyPairSync('ed25519');
  return {
    publicKey: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKey: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
};

describe('token keys published by the members subgraph', () => {
  const internal = randomBytes(32).toString('base64url');
  const current = pemPair();
  const previous = pemPair();
  let membersEnvironment: TestEnvironment;
  let routerEnvironment: TestEnvironment;
  let members: SubgraphServer;
  let router: Router;
  let routerUrl: string;

  const graphql = async (query: string, variables: Record<string, unknown> = {}, token?: string) => {
    const response = await fetch(routerUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, body: (await response.json()) as { data?: Record<string, unknown>; errors?: { message: string }[] } };
  };

  beforeAll(async () => {
    // Members signs with a key the router was never given; it still publishes the one it retired.
    membersEnvironment = testEnvironment(SQLITE, {
      INTERNAL_AUTH_SECRET: internal,
      JWT_PUBLIC_KEY: current.publicKey,
      JWT_PRIVATE_KEY: current.privateKey,
      JWT_PREVIOUS_PUBLIC_KEY: previous.publicKey,
    });
    members = await createSubgraphServer(membersSubgraph, membersEnvironment.config, {
      secrets: loadSecrets(membersEnvironment.config),
      log: quiet,
    });
    const membersUrl = await members.listen(0);
    // The router's own configured key is a development key of its own DATA_DIR.
    routerEnvironment = testEnvironment(SQLITE, { INTERNAL_AUTH_SECRET: internal });
    router = await createRouter(routerEnvironment.config, {
      secrets: loadSecrets(routerEnvironment.config),
      subgraphUrls: { members: membersUrl },
      log: quiet,
    });
    routerUrl = await router.listen(0);
  });
  afterAll(async () => {
    await router?.close();
    await members?.close();
    await routerEnvironment?.cleanup();
    await membersEnvironment?.cleanup();
  });

  it('accepts a token members signed with a key the router was not configured with', async () => {
    const registered = await graphql(
      'mutation { registerMember(input: {name: "Li Wei", email: "li.wei@example.com", password: "long enough password"}) { member { id } } }',
    );
    const memberId = (registered.body.data as { registerMember: { member: { id: string } } }).registerMember.member.id;
    const login = await graphql('mutation { login(input: {email: "li.wei@example.com", password: "long enough password"}) { token } }');
    const token = (login.body.data as { login: { token: string } }).login.token;
    const me = await graphql('{ me { id } }', {}, token);
    expect(me).toEqual({ status: 200, body: { data: { me: { id: memberId } } } });
  });

  it('still accepts tokens of the key being retired, and publishes both at its own JWKS', async () => {
    const settings = { issuer: routerEnvironment.config.jwtIssuer, audience: routerEnvironment.config.jwtAudience };
    const old = await (await createTokenMinter(previous.privateKey, settings))({ subject: 'staff-old', kind: 'staff', scopes: [] });
    expect((await graphql('{ me { id } }', {}, old)).body).toEqual({ data: { me: null } });
    const jwks = (await (await fetch(routerUrl.replace('/graphql', '/.well-known/jwks.json'))).json()) as { keys: unknown[] };
    // The router's configured key, then members' current and retiring keys.
    expect(jwks.keys).toHaveLength(3);
  });

  it('refuses a token signed with a key nobody published', async () => {
    const settings = { issuer: routerEnvironment.config.jwtIssuer, audience: routerEnvironment.config.jwtAudience };
    const forged = await (await createTokenMinter(pemPair().privateKey, settings))({ subject: 'staff-x', kind: 'staff', scopes: [] });
    const { status, body } = await graphql('{ me { id } }', {}, forged);
    expect(status).toBe(401);
    expect(body.errors?.[0]?.message).toMatch(/^the bearer token is not valid: it was signed with a key this service does not know/);
  });

  it('answers 503, not "invalid", for an unknown key while the key set cannot be fetched', async () => {
    // A second router whose members subgraph is not there (a port nobody listens on).
    const lonely = await createRouter(routerEnvironment.config, {
      secrets: loadSecrets(routerEnvironment.config),
      subgraphUrls: { members: 'http://127.0.0.1:9/graphql' },
      log: quiet,
    });
    try {
      const url = await lonely.listen(0);
      const settings = { issuer: routerEnvironment.config.jwtIssuer, audience: routerEnvironment.config.jwtAudience };
      const unseen = await (await createTokenMinter(current.privateKey, settings))({ subject: 'staff-y', kind: 'staff', scopes: [] });
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${unseen}` },
        body: JSON.stringify({ query: '{ me { id } }' }),
      });
      expect(response.status).toBe(503);
      const body = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
      expect(body.errors[0]?.extensions.code).toBe('SERVICE_UNAVAILABLE');
      expect(body.errors[0]?.message).toMatch(/^the token's signing key cannot be looked up right now/);
    } finally {
      await lonely.close();
    }
  });
});
