import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { decodeProtectedHeader, SignJWT } from 'jose';
import { createTokenMinter, createTokenVerifier, jwksOf } from './jwt.ts';

const settings = { issuer: 'commerce-supergraph', audience: 'commerce-supergraph' };
function keyPair(type: 'ed25519' | 'ec' = 'ed25519') {
  const pair = type === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('ed25519');
  return {
    publicKey: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKey: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

describe('bearer tokens', () => {
  const current = keyPair();
  const previous = keyPair('ec');
  const stranger = keyPair();

  it('carry the signing key id that the JWKS publishes', async () => {
    const token = await (await createTokenMinter(current.privateKey, settings))({ subject: 'm-1', kind: 'member', scopes: [] });
    const { keys } = await jwksOf([current.publicKey, previous.publicKey]);
    expect(keys.map((key) => key.alg)).toEqual(['EdDSA', 'ES256']);
    expect(keys[0]).toMatchObject({ kid: decodeProtectedHeader(token).kid, use: 'sig', kty: 'OKP' });
    expect(JSON.stringify(keys)).not.toMatch(/"d"/); // public parts only
  });

  it('stay valid through a key rotation: tokens of the retiring key verify until they expire', async () => {
    const verify = await createTokenVerifier([current.publicKey, previous.publicKey], settings);
    const old = await (await createTokenMinter(previous.privateKey, settings))({ subject: 's-1', kind: 'staff', scopes: ['stock:read'] });
    const fresh = await (await createTokenMinter(current.privateKey, settings))({ subject: 's-2', kind: 'staff', scopes: [] });
    expect(await verify(old)).toEqual({ kind: 'staff', subject: 's-1', scopes: ['stock:read'] });
    expect((await verify(fresh)).subject).toBe('s-2');
  });

  it('are refused when signed with a key the verifier does not know, or tampered with', async () => {
    const verify = await createTokenVerifier([current.publicKey], settings);
    const foreign = await (await createTokenMinter(stranger.privateKey, settings))({
      subject: 'x',
      kind: 'staff',
      scopes: ['members:pii'],
    });
    await expect(verify(foreign)).rejects.toThrow(/a key this service does not know/);
    const genuine = await (await createTokenMinter(current.privateKey, settings))({ subject: 'm-1', kind: 'member', scopes: [] });
    const [header, , signature] = genuine.split('.');
    const forgedClaims = Buffer.from(
      JSON.stringify({ sub: 'm-1', kind: 'staff', scope: 'members:pii', iss: settings.issuer, aud: settings.audience, exp: 9_999_999_999 }),
    ).toString('base64url');
    await expect(verify(`${header}.${forgedClaims}.${signature}`)).rejects.toThrow(/signature/);
    await expect(verify('not-a-token')).rejects.toThrow(/not a JWT/);
  });

  it('are refused when correctly signed but without an expiry', async () => {
    const verify = await createTokenVerifier(current.publicKey, settings);
    const kid = decodeProtectedHeader(
      await (await createTokenMinter(current.privateKey, settings))({ subject: 'm-1', kind: 'member', scopes: [] }),
    ).kid;
    const forever = await new SignJWT({ kind: 'member', scope: '' })
      .setProtectedHeader({ alg: 'EdDSA', kid })
      .setSubject('m-1')
      .setIssuer(settings.issuer)
      .setAudience(settings.audience)
      .setIssuedAt()
      .sign(createPrivateKey(current.privateKey));
    await expect(verify(forever)).rejects.toThrow(/"exp" claim/);
  });
});
