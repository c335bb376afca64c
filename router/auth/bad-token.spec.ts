import { generateKeyPairSync } from 'node:crypto';
import { importPKCS8, SignJWT } from 'jose';
import { createTokenMinter } from '../../platform/auth/jwt.ts';
import { type Harness, startHarness } from '../testing/harness.ts';
import { HELLO } from '../testing/operations.ts';

/** A bad credential is refused outright, even for a public query: never silently treated as anonymous. */
describe('a request with a bad credential', () => {
  let harness: Harness;
  /** How far the router's clock runs ahead of the system's: a test moves it rather than wait for a token to expire. */
  let clockAheadMs = 0;
  beforeAll(async () => {
    harness = await startHarness({ now: () => Date.now() + clockAheadMs });
  });
  afterAll(async () => {
    await harness.close();
  });

  async function expectRefused(authorization: string, reason: RegExp) {
    const before = harness.subgraphRequests();
    const { status, headers, body } = await harness.graphql(HELLO, { headers: { authorization } });
    expect(status).toBe(401);
    expect(headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect(body.data).toBeUndefined();
    expect(body.errors).toHaveLength(1);
    expect(body.errors?.[0]?.extensions).toEqual({ code: 'UNAUTHENTICATED' });
    expect(body.errors?.[0]?.message).toMatch(reason);
    expect(harness.subgraphRequests()).toBe(before);
  }

  async function signWithDevKey(build: (jwt: SignJWT) => SignJWT): Promise<string> {
    const key = await importPKCS8(harness.secrets.jwtPrivateKey!, 'EdDSA');
    return build(new SignJWT({ scope: 'catalogue:write', kind: 'staff' }).setProtectedHeader({ alg: 'EdDSA' }).setSubject('staff-1')).sign(
      key,
    );
  }

  it('refuses a token that is not a JWT with 401 UNAUTHENTICATED', async () => {
    await expectRefused('Bearer not-a-jwt', /^the bearer token is not valid: /);
  });

  it('refuses an expired token with 401 UNAUTHENTICATED', async () => {
    const expired = await signWithDevKey((jwt) =>
      jwt
        .setIssuer(harness.config.jwtIssuer)
        .setAudience(harness.config.jwtAudience)
        .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
        .setExpirationTime(Math.floor(Date.now() / 1000) - 3600),
    );
    await expectRefused(`Bearer ${expired}`, /^the bearer token is not valid: "exp" claim timestamp check failed/);
  });

  it('refuses a token it accepted before once the token has expired (verified tokens are remembered only until their exp)', async () => {
    const mint = await createTokenMinter(harness.secrets.jwtPrivateKey!, {
      issuer: harness.config.jwtIssuer,
      audience: harness.config.jwtAudience,
    });
    const shortLived = await mint({ subject: 'staff-1', kind: 'staff', scopes: [], ttlSeconds: 1 });
    const accepted = await harness.graphql(HELLO, { headers: { authorization: `Bearer ${shortLived}` } });
    expect(accepted.status).toBe(200);
    // exp has whole-second precision: 2.1 s is past it wherever in its second the token was minted.
    clockAheadMs = 2_100;
    try {
      await expectRefused(`Bearer ${shortLived}`, /^the bearer token is not valid: "exp" claim timestamp check failed/);
    } finally {
      clockAheadMs = 0;
    }
  });

  it('refuses a token signed with another key with 401 UNAUTHENTICATED', async () => {
    const other = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const mint = await createTokenMinter(other, { issuer: harness.config.jwtIssuer, audience: harness.config.jwtAudience });
    const forged = await mint({ subject: 'staff-1', kind: 'staff', scopes: ['catalogue:write'] });
    await expectRefused(`Bearer ${forged}`, /^the bearer token is not valid: it was signed with a key this service does not know/);
  });

  it('refuses a token that names our published key id but was signed with another key', async () => {
    const jwks = (await (await fetch(harness.routerUrl.replace('/graphql', '/.well-known/jwks.json'))).json()) as {
      keys: { kid: string }[];
    };
    const other = await importPKCS8(generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 'EdDSA');
    const forged = await new SignJWT({ kind: 'staff', scope: 'catalogue:write' })
      .setProtectedHeader({ alg: 'EdDSA', kid: jwks.keys[0]!.kid })
      .setSubject('staff-1')
      .setIssuer(harness.config.jwtIssuer)
      .setAudience(harness.config.jwtAudience)
      .setExpirationTime('1h')
      .sign(other);
    await expectRefused(`Bearer ${forged}`, /^the bearer token is not valid: signature verification failed/);
  });

  it('refuses a real token whose claims were changed after signing (more scopes) with 401 UNAUTHENTICATED', async () => {
    const token = await harness.token({ scopes: ['catalogue:read'] });
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    const tampered = Buffer.from(JSON.stringify({ ...claims, scope: 'catalogue:read catalogue:write' })).toString('base64url');
    await expectRefused(`Bearer ${header}.${tampered}.${signature}`, /^the bearer token is not valid: signature verification failed/);
  });

  it('refuses a token issued for another audience with 401 UNAUTHENTICATED', async () => {
    const elsewhere = await signWithDevKey((jwt) =>
      jwt.setIssuer(harness.config.jwtIssuer).setAudience('another-service').setExpirationTime('1h'),
    );
    await expectRefused(`Bearer ${elsewhere}`, /^the bearer token is not valid: unexpected "aud" claim value/);
  });

  it('refuses a credential of another scheme with 401 UNAUTHENTICATED, without echoing it', async () => {
    await expectRefused('Basic c2VjcmV0OnNlY3JldA==', /^the authorization header must use the Bearer scheme; received "Basic"$/);
  });

  it('refuses a bare token without its scheme with 401 UNAUTHENTICATED, without echoing it', async () => {
    const token = await harness.token({ scopes: [] });
    await expectRefused(token, /^the authorization header must use the Bearer scheme; received a value that names no scheme$/);
  });

  it('refuses a Bearer header without a token with 401 UNAUTHENTICATED', async () => {
    await expectRefused('Bearer', /^the authorization header must be "Bearer <token>"$/);
  });
});
