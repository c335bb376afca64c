import { createTokenMinter, type TokenMinter } from '../kit/auth/jwt.ts';
import { loadSecrets } from '../kit/auth/secrets.ts';
import type { Config } from '../kit/config.ts';
import { failed, UserErrors } from '../kit/user-errors.ts';
import { type MemberErrorCode, normalizeEmail } from './accounts.ts';
import type { MembersContext } from './context.ts';
import { CredentialEntity, MemberEntity, StaffEntity } from './entities/account.entity.ts';
import { DECOY_HASH, verifyPassword } from './passwords.ts';
import { scopesOf } from './roles.ts';

/** Tokens are short-lived; a client logs in again (refresh tokens come later). */
export const TOKEN_TTL_SECONDS = 3600;
/** After this many failures in a row an account is locked for LOCK_MINUTES. */
export const MAX_FAILED_ATTEMPTS = 5;
export const LOCK_MINUTES = 15;

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
      message: `the email and password do not match an active account, or it is locked for ${LOCK_MINUTES} minutes after ${MAX_FAILED_ATTEMPTS} failed attempts`,
    },
  ]);

export async function login(ctx: MembersContext, input: { email: string; password: string }) {
  const errors = new UserErrors<MemberErrorCode>();
  if (input.email.length > 254 || input.password.length > 200) errors.add('INVALID_VALUE', null, 'email or password is too long');
  if (errors.any) return { ...failed('token', errors), expiresAt: null };
  const email = normalizeEmail(input.email);
  const credential = await ctx.em.findOne(CredentialEntity, { email }, { refresh: true });
  // Always hash: an unknown email takes as long as a wrong password.
  const matches = await verifyPassword(input.password, credential?.passwordHash ?? (await DECOY_HASH));
  const now = new Date();
  const locked = credential?.lockedUntil != null && credential.lockedUntil > now;
  if (!credential || locked || !matches) {
    if (credential && !locked) await recordFailure(ctx, email, now);
    return { ...refused(), expiresAt: null };
  }
  const account =
    credential.accountKind === 'member'
      ? await ctx.em.findOne(MemberEntity, { id: credential.accountId, status: 'ACTIVE' })
      : await ctx.em.findOne(StaffEntity, { id: credential.accountId, active: true });
  if (!account) return { ...refused(), expiresAt: null };
  // The lock is checked again, atomically, as the success is recorded: the credential above was
  // read before the slow hash, so in a burst of concurrent guesses every guess saw the account
  // unlocked, and a right one that finished after the burst's failures had locked the account
  // was let in and lifted the lock (test/accounts.spec.ts: "refuses a right password when the
  // account was locked while the password was being checked").
  const unlocked = await ctx.db.transaction(ctx.em, (tx) =>
    ctx.db.run(
      tx,
      'update credential set failed_attempts = 0, locked_until = null, updated_at = ? where email = ? and (locked_until is null or locked_until <= ?)',
      [ctx.db.sqlDate(now), email, ctx.db.sqlDate(new Date())],
    ),
  );
  if (unlocked === 0) return { ...refused(), expiresAt: null };
  const scopes = 'roles' in account ? scopesOf(account.roles.split(',').map((role) => role.trim())) : [];
  const mint = await minterFor(ctx.config);
  const token = await mint({ subject: account.id, kind: credential.accountKind, scopes, ttlSeconds: TOKEN_TTL_SECONDS });
  return { token, expiresAt: new Date(now.getTime() + TOKEN_TTL_SECONDS * 1000), userErrors: [] };
}

/** Counts a failure atomically; the one that reaches the limit locks the account. */
async function recordFailure(ctx: MembersContext, email: string, now: Date) {
  await ctx.db.transaction(ctx.em, async (tx) => {
    await ctx.db.run(tx, 'update credential set failed_attempts = failed_attempts + 1, updated_at = ? where email = ?', [
      ctx.db.sqlDate(now),
      email,
    ]);
    await ctx.db.run(tx, 'update credential set failed_attempts = 0, locked_until = ? where email = ? and failed_attempts >= ?', [
      ctx.db.sqlDate(new Date(now.getTime() + LOCK_MINUTES * 60_000)),
      email,
      MAX_FAILED_ATTEMPTS,
    ]);
  });
}
