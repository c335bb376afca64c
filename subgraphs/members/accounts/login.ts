import { createTokenMinter, type TokenMinter } from '../../../platform/auth/jwt.ts';
import { loadSecrets } from '../../../platform/auth/secrets.ts';
import type { Config } from '../../../platform/config/config.ts';
import { failed, UserErrors } from '../../../platform/graphql/user-errors.ts';
import type { MembersContext } from '../context.ts';
import { CredentialEntity, MemberEntity, StaffEntity } from '../entities/account.entity.ts';
import { type MemberErrorCode, normalizeEmail } from './accounts.ts';
import { LoginThrottle } from './login-throttle.ts';
import { DECOY_HASH, verifyPassword } from './passwords.ts';
import { scopesOf } from './roles.ts';

/** Tokens are short-lived; a client logs in again (refresh tokens come later). */
export const TOKEN_TTL_SECONDS = 3600;

/** One throttle per members database (a test process runs several members subgraphs). */
const throttles = new WeakMap<object, LoginThrottle>();
function throttleFor(db: object): LoginThrottle {
  let throttle = throttles.get(db);
  if (!throttle) {
    throttle = new LoginThrottle();
    throttles.set(db, throttle);
  }
  return throttle;
}

const minters = new WeakMap<Config, Promise<TokenMinter>>();
function minterFor(config: Config): Promise<TokenMinter> {
  let minter = minters.get(config);
  if (!minter) {
    const key = loadSecrets(config).jwtPrivateKey;
    if (!key) throw new Error('the members subgraph signs tokens and needs JWT_PRIVATE_KEY');
    minter = createTokenMinter(key, { issuer: config.jwtIssuer, audience: config.jwtAudience });
    minters.set(config, minter);
  }
  return minter;
}

/** One answer for every failure, so a caller learns nothing about which emails have accounts. */
const refused = () =>
  failed('token', [
    {
      code: 'INVALID_CREDENTIALS' as const,
      field: null,
      message: 'the email and password do not match an active account',
    },
  ]);

export async function login(ctx: MembersContext, input: { email: string; password: string }) {
  const errors = new UserErrors<MemberErrorCode>();
  if (input.email.length > 254 || input.password.length > 200) errors.add('INVALID_VALUE', null, 'email or password is too long');
  if (errors.any) return { ...failed('token', errors), expiresAt: null };
  const email = normalizeEmail(input.email);
  const throttle = throttleFor(ctx.db);
  const source = ctx.clientAddress ?? 'unknown';
  const decision = throttle.attempt(email, source);
  if (!decision.allowed) {
    const message = `too many failed logins for this account from this address; retry in ${decision.retryAfterSeconds} s`;
    return { ...failed('token', [{ code: 'LOGIN_THROTTLED' as const, field: null, message }]), expiresAt: null };
  }
  const credential = await ctx.em.findOne(CredentialEntity, { email }, { refresh: true });
  // Always hash: an unknown email takes as long as a wrong password.
  const matches = await verifyPassword(input.password, credential?.passwordHash ?? (await DECOY_HASH));
  const now = new Date();
  if (!credential || !matches) return { ...refused(), expiresAt: null };
  const account =
    credential.accountKind === 'member'
      ? await ctx.em.findOne(MemberEntity, { id: credential.accountId, status: 'ACTIVE' })
      : await ctx.em.findOne(StaffEntity, { id: credential.accountId, active: true });
  if (!account) return { ...refused(), expiresAt: null };
  throttle.succeeded(email, source);
  const scopes = 'roles' in account ? scopesOf(account.roles.split(',').map((role) => role.trim())) : [];
  const mint = await minterFor(ctx.config);
  const token = await mint({ subject: account.id, kind: credential.accountKind, scopes, ttlSeconds: TOKEN_TTL_SECONDS });
  return { token, expiresAt: new Date(now.getTime() + TOKEN_TTL_SECONDS * 1000), userErrors: [] };
}
