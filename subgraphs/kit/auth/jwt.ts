import { createPublicKey } from 'node:crypto';
import {
  calculateJwkThumbprint,
  decodeProtectedHeader,
  exportJWK,
  importPKCS8,
  importSPKI,
  type JWK,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from 'jose';
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

/** A key's id: its RFC 7638 thumbprint, the same wherever the key is loaded. */
async function keyIdOf(publicKeyPem: string, alg: Algorithm): Promise<string> {
  return calculateJwkThumbprint(await exportJWK(await importSPKI(publicKeyPem, alg)));
}

function publicPemOf(privateKeyPem: string): string {
  return createPublicKey(privateKeyPem).export({ type: 'spki', format: 'pem' }).toString();
}

export type TokenMinter = (claims: { subject: string; kind: TokenKind; scopes: readonly string[]; ttlSeconds?: number }) => Promise<string>;

export async function createTokenMinter(privateKeyPem: string, settings: JwtSettings): Promise<TokenMinter> {
  const alg = algorithmOf(publicPemOf(privateKeyPem));
  const key = await importPKCS8(privateKeyPem, alg);
  // The key id lets verifiers pick the right key while keys rotate.
  const kid = await keyIdOf(publicPemOf(privateKeyPem), alg);
  return async ({ subject, kind, scopes, ttlSeconds = 3600 }) =>
    new SignJWT({ scope: scopes.join(' '), kind })
      .setProtectedHeader({ alg, typ: 'JWT', kid })
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

type VerificationKey = { kid: string; alg: Algorithm; key: CryptoKey; jwk: JWK };

async function verificationKeys(publicKeyPems: readonly string[]): Promise<VerificationKey[]> {
  return Promise.all(
    publicKeyPems.map(async (pem) => {
      const alg = algorithmOf(pem);
      const key = await importSPKI(pem, alg, { extractable: true });
      return { kid: await keyIdOf(pem, alg), alg, key, jwk: await exportJWK(key) };
    }),
  );
}

/**
 * Verifies tokens against every key given: the current one first, then keys
 * being rotated out, so tokens signed before a rotation stay valid until they
 * expire. The token's `kid` picks the key.
 */
export async function createTokenVerifier(publicKeyPems: string | readonly string[], settings: JwtSettings): Promise<TokenVerifier> {
  const keys = await verificationKeys(typeof publicKeyPems === 'string' ? [publicKeyPems] : publicKeyPems);
  return async (token) => {
    let kid: string | undefined;
    try {
      kid = decodeProtectedHeader(token).kid;
    } catch {
      throw new InvalidTokenError('it is not a JWT');
    }
    const chosen = kid === undefined && keys.length === 1 ? keys[0] : keys.find((candidate) => candidate.kid === kid);
    if (!chosen) throw new InvalidTokenError(`it was signed with a key this service does not know (kid ${kid ?? 'missing'})`);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, chosen.key, {
        issuer: settings.issuer,
        audience: settings.audience,
        algorithms: [chosen.alg],
      }));
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

/** The public keys as a JSON Web Key Set (RFC 7517), served at /.well-known/jwks.json. */
export async function jwksOf(publicKeyPems: readonly string[]): Promise<{ keys: JWK[] }> {
  const keys = await verificationKeys(publicKeyPems);
  return { keys: keys.map(({ kid, alg, jwk }) => ({ ...jwk, kid, alg, use: 'sig' })) };
}
