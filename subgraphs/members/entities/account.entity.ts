import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

export const TIERS = ['BASIC', 'SILVER', 'GOLD', 'PLATINUM'] as const;
export type TierName = (typeof TIERS)[number];

/** A member: a customer with an account. `email` is stored lower-cased and unique. */
export const MemberEntity = defineEntity({
  name: 'Member',
  tableName: 'member',
  properties: {
    id: p.string().primary(),
    name: p.string(),
    email: p.string(),
    phone: p.string().nullable(),
    tier: p.string().$type<TierName>(),
    status: p.string().$type<'ACTIVE' | 'SUSPENDED'>(),
    createdAt: p.datetime(),
  },
});
export type Member = InferEntity<typeof MemberEntity>;

/** A staff member; roles (comma-separated) map to scopes in roles.ts. */
export const StaffEntity = defineEntity({
  name: 'Staff',
  tableName: 'staff',
  properties: {
    id: p.string().primary(),
    name: p.string(),
    email: p.string(),
    roles: p.string(),
    active: p.boolean(),
    createdAt: p.datetime(),
  },
});
export type Staff = InferEntity<typeof StaffEntity>;

/**
 * Login credentials of a member or staff account, one row per email across
 * both (an email logs in as exactly one account). The password is a scrypt
 * hash; failures count towards a temporary lock.
 */
export const CredentialEntity = defineEntity({
  name: 'Credential',
  tableName: 'credential',
  properties: {
    email: p.string().primary(),
    accountKind: p.string().$type<'member' | 'staff'>(),
    accountId: p.string(),
    passwordHash: p.string(),
    failedAttempts: p.integer(),
    lockedUntil: p.datetime().nullable(),
    updatedAt: p.datetime(),
  },
});
export type Credential = InferEntity<typeof CredentialEntity>;

export const accountEntities = [MemberEntity, StaffEntity, CredentialEntity];
