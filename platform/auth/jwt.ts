import { createPublicKey } from 'node:crypto';
import {
  calculateJwkThumbprint,
  createRemoteJWKSet,
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
export type JwtSettings = {
  issuer: string;
  audience: string;
  /** The time a token's expiry is checked against, in ms since the epoch; default the system clock. Tests move it instead of waiting. */
  now?: () => number;
};

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

/** A token names a key we have not seen, and the key set that might hold it did not answer. */
export class KeySetUnavailableError extends Error {
  constructor(reason: string) {
    super(`the token's signing key cannot be looked up right now (${reason}); retry shortly`);
    this.name = 'KeySetUnavailableError';
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

/** A JSON Web Key Set fetched from a URL: cached, and fetched again (not more than every few seconds) for an unknown key id. */
export type RemoteKeySet = ReturnType<typeof createRemoteJWKSet>;

export function remoteKeySet(url: string): RemoteKeySet {
  return createRemoteJWKSet(new URL(url), { cacheMaxAge: 5 * 60_000, cooldownDuration: 10_000, timeoutDuration: 3000 });
}

/**
 * Verifies tokens against every key given: the current one first, then keys
 * being rotated out, so tokens signed before a rotation stay valid until they
 * expire. The token's `kid` picks the key; a key id none of them has is looked
 * up in the remote key set, when there is one (the router's: the members
 * subgraph publishes its signing keys, so a new key needs no router restart).
 */
export async function createTokenVerifier(
  publicKeyPems: string | readonly string[],
  settings: JwtSettings,
  remote?: RemoteKeySet,
): Promise<TokenVerifier> {
  const keys = await verificationKeys(typeof publicKeyPems === 'string' ? [publicKeyPems] : publicKeyPems);
  const verifyWith = async (key: Parameters<typeof jwtVerify>[1] | RemoteKeySet, token: string, algorithms: string[]) => {
    try {
      return (
        await jwtVerify(token, key as Parameters<typeof jwtVerify>[1], {
          issuer: settings.issuer,
          audience: settings.audience,
          algorithms,
          // A token without an expiry would be good forever once leaked; refuse it outright.
          requiredClaims: ['exp'],
          ...(settings.now ? { currentDate: new Date(settings.now()) } : {}),
        })
      ).payload;
    } catch (error) {
      if (error instanceof InvalidTokenError) throw error;
      const code = (error as { code?: string }).code;
      if (code === 'ERR_JWKS_NO_MATCHING_KEY') throw unknownKey(token);
      // The key set could not be fetched: the token may well be good, so this is not its fault.
      if (key === remote && (code === undefined || code === 'ERR_JWKS_TIMEOUT' || code === 'ERR_JOSE_GENERIC')) {
        throw new KeySetUnavailableError((error as Error).message);
      }
      throw new InvalidTokenError((error as Error).message);
    }
  };
  return async (token) => {
    let kid: string | undefined;
    try {
      kid = decodeProtectedHeader(token).kid;
    } catch {
      throw new InvalidTokenError('it is not a JWT');
    }
    const chosen = kid === undefined && keys.length === 1 ? keys[0] : keys.find((candidate) => candidate.kid === kid);
    let payload: JWTPayload;
    if (chosen) payload = await verifyWith(chosen.key, token, [chosen.alg]);
    else if (remote && kid !== undefined) payload = await verifyWith(remote, token, ['EdDSA', 'ES256']);
    else throw unknownKey(token);
    const kind = payload.kind;
    if (kind !== 'member' && kind !== 'staff') throw new InvalidTokenError(`kind must be member or staff; received ${String(kind)}`);
    if (typeof payload.sub !== 'string' || payload.sub === '') throw new InvalidTokenError('sub is missing');
    const scope = typeof payload.scope === 'string' ? payload.scope : '';
    return { kind, subject: payload.sub, scopes: scope.split(' ').filter(Boolean) };
  };
}

function unknownKey(token: string): InvalidTokenError {
  const kid = decodeProtectedHeader(token).kid;
  return new InvalidTokenError(`it was signed with a key this service does not know (kid ${kid ?? 'missing'})`);
}

/** The public keys as a JSON Web Key Set (RFC 7517), served at /.well-known/jwks.json. */
export async function jwksOf(publicKeyPems: readonly string[]): Promise<{ keys: JWK[] }> {
  const keys = await verificationKeys(publicKeyPems);
  return { keys: keys.map(({ kid, alg, jwk }) => ({ ...jwk, kid, alg, use: 'sig' })) };
}
