import { createPublicKey } from 'node:crypto';
import { importPKCS8, importSPKI, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import type { Identity } from './identity.ts';

/**
 * Bearer tokens for members and staff: short-lived JWTs signed with an
 * asymmetric key (EdDSA/Ed25519 or ES256), so a service that only verifies
 * never holds a key that could mint. Scopes travel in the RFC 8693 `scope`
 * claim, space-separated.
 */
export type JwtSettings = { issuer: string; audience: string };

type Algorithm = 'EdDSA' | 'ES256';
type TokenKind = 'member' | 'staff';

function algorithmOf(pem: string): Algorithm {
  const type = createPublicKey(pem).asymmetricKeyType;
  if (type === 'ed25519') return 'EdDSA';
  if (type === 'ec') return 'ES256';
  throw new Error(`JWT keys must be Ed25519 or EC P-256; received a ${type} key`);
}

export type TokenMinter = (claims: { subject: string; kind: TokenKind; scopes: readonly string[]; ttlSeconds?: number }) => Promise<string>;

export async function createTokenMinter(privateKeyPem: string, settings: JwtSettings): Promise<TokenMinter> {
  const alg = algorithmOf(privateKeyPem);
  const key = await importPKCS8(privateKeyPem, alg);
  return async ({ subject, kind, scopes, ttlSeconds = 3600 }) =>
    new SignJWT({ scope: scopes.join(' '), kind })
      .setProtectedHeader({ alg, typ: 'JWT' })
      .setSubject(subject)
      .setIssuer(settings.issuer)
      .setAudience(settings.audience)
      .setIssuedAt()
      .setExpirationTime(`${ttlSeconds}s`)
      .sign(key);
}

export type TokenVerifier = (token: string) => Promise<Identity>;

export class InvalidTokenError extends Error {
  constructor(reason: string) {
    super(`the bearer token is not valid: ${reason}`);
    this.name = 'InvalidTokenError';
  }
}

export async function createTokenVerifier(publicKeyPem: string, settings: JwtSettings): Promise<TokenVerifier> {
  const alg = algorithmOf(publicKeyPem);
  const key = await importSPKI(publicKeyPem, alg);
  return async (token) => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, key, { issuer: settings.issuer, audience: settings.audience, algorithms: [alg] }));
    } catch (error) {
      throw new InvalidTokenError((error as Error).message);
    }
    const kind = payload.kind;
    if (kind !== 'member' && kind !== 'staff') throw new InvalidTokenError(`kind must be member or staff; received ${String(kind)}`);
    if (typeof payload.sub !== 'string' || payload.sub === '') throw new InvalidTokenError('sub is missing');
    const scope = typeof payload.scope === 'string' ? payload.scope : '';
    return { kind, subject: payload.sub, scopes: scope.split(' ').filter(Boolean) };
  };
}
