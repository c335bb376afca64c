import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { hasScope } from '../../../platform/auth/identity.ts';
import type { Config } from '../../../platform/config/config.ts';
import type { Database } from '../../../platform/db/database.ts';
import { refusedInput } from '../../../platform/graphql/errors.ts';
import { quoted } from '../../../platform/graphql/excerpt.ts';
import { loadOrNull } from '../../../platform/graphql/loaders.ts';
import { failed, succeeded, UserErrors } from '../../../platform/graphql/user-errors.ts';
import { checkText, EMAIL } from '../../../platform/graphql/validation.ts';
import type { Logger } from '../../../platform/observability/log.ts';
import { newId } from '../../../platform/values/ids.ts';
import type { MembersContext } from '../context.ts';
import { CredentialEntity, type Member, MemberEntity, StaffEntity } from '../entities/account.entity.ts';
import { memberIdsByPhone } from './member-repository.ts';
import { hashPassword } from './passwords.ts';

/** Members register themselves; staff accounts are created by admins (and the first one at start). */
export type MemberErrorCode = 'INVALID_VALUE' | 'DUPLICATE_EMAIL' | 'INVALID_CREDENTIALS' | 'LOGIN_THROTTLED' | 'NOT_FOUND';

export const MIN_PASSWORD_LENGTH = 12;

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

export const memberById = (ctx: MembersContext, id: string) => loadOrNull(ctx.loaders.memberById, id);

/** A cashier finds the member at the till by the phone number they give; the number is matched as stored, trimmed. */
export async function membersByPhone(ctx: MembersContext, phone: string): Promise<Member[]> {
  const trimmed = phone.trim();
  if (trimmed.length === 0 || trimmed.length > 40)
    throw refusedInput('PHONE_INVALID', `phone must have 1 to 40 characters; received ${trimmed.length}`, 'phone');
  const ids = await memberIdsByPhone(ctx.db, ctx.em, trimmed);
  const members = await Promise.all(ids.map((id) => memberById(ctx, id)));
  return members.filter((member): member is Member => member !== null);
}

/** `me`: the signed-in member's own record; staff and partners are not members. */
export async function me(ctx: MembersContext): Promise<Member | null> {
  return ctx.identity.kind === 'member' && ctx.identity.subject ? memberById(ctx, ctx.identity.subject) : null;
}

/** Members just registered in this request: the registrant sees back the data they sent. */
const registeredNow = new WeakSet<Member>();

/** Personal data is for the member themself and for staff holding members:pii. */
export function mayReadPersonalData(ctx: MembersContext, member: Member): boolean {
  if (registeredNow.has(member)) return true;
  return (ctx.identity.kind === 'member' && ctx.identity.subject === member.id) || hasScope(ctx.identity, 'members:pii');
}

export type RegisterMemberInput = { name: string; email: string; phone?: string | null; password: string };

export async function registerMember(ctx: MembersContext, input: RegisterMemberInput) {
  const errors = new UserErrors<MemberErrorCode>();
  const name = checkText(errors, 'input.name', input.name, 120);
  const email = normalizeEmail(input.email);
  if (!EMAIL.test(email) || email.length > 254)
    errors.add('INVALID_VALUE', 'input.email', `input.email must be an email address; received ${quoted(input.email)}`);
  const phone = input.phone ? checkText(errors, 'input.phone', input.phone, 40) : null;
  if (input.password.length < MIN_PASSWORD_LENGTH || input.password.length > 200) {
    errors.add(
      'INVALID_VALUE',
      'input.password',
      `input.password must have ${MIN_PASSWORD_LENGTH} to 200 characters; received ${input.password.length}`,
    );
  }
  if (errors.any) return failed('member', errors);
  const duplicate = () =>
    failed('member', [{ code: 'DUPLICATE_EMAIL' as const, field: 'input.email', message: `an account with email ${email} exists` }]);
  if (await ctx.em.findOne(CredentialEntity, { email })) return duplicate();
  const passwordHash = await hashPassword(input.password);
  try {
    const member = await ctx.db.transaction(ctx.em, async (tx) => {
      const now = new Date();
      const id = newId();
      // The credential row first: its key (the email) decides a race between two registrations.
      tx.create(CredentialEntity, {
        email,
        accountKind: 'member',
        accountId: id,
        passwordHash,
        failedAttempts: 0,
        lockedUntil: null,
        updatedAt: now,
      });
      await tx.flush();
      return tx.create(MemberEntity, { id, name, email, phone, tier: 'BASIC', status: 'ACTIVE', createdAt: now });
    });
    registeredNow.add(member);
    return succeeded('member', member);
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) return duplicate();
    throw error;
  }
}

/**
 * Makes sure the first admin exists (SEED_ADMIN_EMAIL / SEED_ADMIN_PASSWORD).
 * Production refuses to start without them: a fresh deployment would
 * otherwise have nobody who can sign in.
 */
export async function ensureFirstAdmin(db: Database, config: Config, log: Logger): Promise<void> {
  if (!config.seedAdminEmail || !config.seedAdminPassword) {
    throw new Error('the members subgraph needs SEED_ADMIN_EMAIL and SEED_ADMIN_PASSWORD in production (the first staff admin)');
  }
  const email = normalizeEmail(config.seedAdminEmail);
  const em = db.fork();
  if (await em.findOne(CredentialEntity, { email })) return;
  const passwordHash = await hashPassword(config.seedAdminPassword);
  try {
    await db.transaction(em, async (tx) => {
      const now = new Date();
      const id = newId();
      tx.create(StaffEntity, { id, name: 'Administrator', email, roles: 'admin', active: true, createdAt: now });
      tx.create(CredentialEntity, {
        email,
        accountKind: 'staff',
        accountId: id,
        passwordHash,
        failedAttempts: 0,
        lockedUntil: null,
        updatedAt: now,
      });
    });
    log.info(`created the first staff admin ${email}`);
  } catch (error) {
    if (!(error instanceof UniqueConstraintViolationException)) throw error; // another instance created it first
  }
}
