import { decodeProtectedHeader } from 'jose';
import { type Harness, startHarness } from './testing/harness.ts';

describe('the JSON Web Key Set', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => {
    await harness.close();
  });

  it('is served at /.well-known/jwks.json with the key id our tokens carry, and no private part', async () => {
    const response = await fetch(harness.routerUrl.replace('/graphql', '/.well-known/jwks.json'));
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toMatch(/max-age/);
    const jwks = (await response.json()) as { keys: Record<string, string>[] };
    const token = await harness.token({ scopes: ['catalogue:read'] });
    expect(jwks.keys).toEqual([
      expect.objectContaining({ kid: decodeProtectedHeader(token).kid, alg: 'EdDSA', use: 'sig', kty: 'OKP', crv: 'Ed25519' }),
    ]);
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });
});
