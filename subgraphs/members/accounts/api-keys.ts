import { createHash, randomBytes } from 'node:crypto';
import { quoted } from '../../../platform/graphql/excerpt.ts';
import { CLIENT_NAME } from '../../../platform/graphql/trusted-documents.ts';
import { failed, succeeded, UserErrors } from '../../../platform/graphql/user-errors.ts';
import { checkCount, checkText } from '../../../platform/graphql/validation.ts';
import { newId } from '../../../platform/values/ids.ts';
import type { MembersContext } from '../context.ts';
import { type ApiKey, ApiKeyEntity } from '../entities/api-key.entity.ts';
import type { MemberErrorCode } from './accounts.ts';
import { type ApiKeyLimits, checkLimits } from './api-key-limits.ts';
import * as apiKeyRepository from './api-key-repository.ts';
import { ALL_SCOPES } from './roles.ts';

/**
 * Partner API keys (docs/architecture.md §4 Auth). A secret is `cpk_` followed by 43
 * base64url characters (32 random bytes); it is shown once, when the key is
 * created, and stored only as its SHA-256. The first 12 characters stay
 * visible as the key's prefix. The router resolves `x-api-key` through
 * `authenticateApiKey` (with a short cache), which also carries the key's own
 * limits (api-key-limits.ts), and reports usage in batches (api-key-usage.ts).
 */
const SECRET_PREFIX = 'cpk_';
const SECRET = /^cpk_[A-Za-z0-9_-]{43}$/;
const VISIBLE_CHARACTERS = 12;

export const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');

export const scopesOfKey = (key: ApiKey) => key.scopes.split(' ').filter(Boolean);

export type CreateApiKeyInput = {
  name: string;
  scopes: string[];
  documentsClient?: string | null;
  expiresAt?: Date | null;
} & Partial<ApiKeyLimits>;

/** The furthest ahead a key may expire: a key meant to last longer is one nobody remembers to rotate. */
const MAX_LIFETIME_MS = 2 * 366 * 86_400_000;
const DEFAULT_OVERLAP_SECONDS = 86_400;
const MAX_OVERLAP_SECONDS = 30 * 86_400;

const newSecret = () => `${SECRET_PREFIX}${randomBytes(32).toString('base64url')}`;

export async function createApiKey(ctx: MembersContext, input: CreateApiKeyInput) {
  const errors = new UserErrors<MemberErrorCode>();
  const name = checkText(errors, 'input.name', input.name, 120);
  checkCount(errors, 'input.scopes', input.scopes, ALL_SCOPES.length, 'scopes');
  input.scopes.forEach((scope, i) => {
    if (!ALL_SCOPES.includes(scope)) {
      errors.add(
        'INVALID_VALUE',
        `input.scopes[${i}]`,
        `input.scopes[${i}] must be one of ${ALL_SCOPES.join(', ')}; received ${quoted(scope)}`,
      );
    }
  });
  const documentsClient = input.documentsClient ?? null;
  if (documentsClient !== null && !CLIENT_NAME.test(documentsClient)) {
    errors.add('INVALID_VALUE', 'input.documentsClient', `a client name is 1-64 of a-z 0-9 . _ -; received ${quoted(documentsClient)}`);
  }
  const expiresAt = input.expiresAt ?? null;
  const now = Date.now();
  if (expiresAt !== null && (expiresAt.getTime() <= now || expiresAt.getTime() > now + MAX_LIFETIME_MS)) {
    errors.add(
      'INVALID_VALUE',
      'input.expiresAt',
      `input.expiresAt must be in the future and at most two years ahead; received ${expiresAt.toISOString()}`,
    );
  }
  const limits = checkLimits(errors, input);
  if (errors.any) return { ...failed('apiKey', errors), secret: null };
  const secret = newSecret();
  const apiKey = await ctx.db.transaction(ctx.em, async (tx) =>
    tx.create(ApiKeyEntity, {
      id: newId(),
      name,
      prefix: secret.slice(0, VISIBLE_CHARACTERS),
      secretHash: hashSecret(secret),
      scopes: [...new Set(input.scopes)].sort().join(' '),
      createdBy: ctx.identity.subject ?? 'unknown',
      createdAt: new Date(),
      revokedAt: null,
      lastUsedAt: null,
      requestCount: 0,
      documentsClient,
      expiresAt,
      rotatedAt: null,
      previousSecretHash: null,
      previousSecretExpiresAt: null,
      requestsPerMinute: limits.requestsPerMinute ?? null,
      maxQueryCost: limits.maxQueryCost ?? null,
      maxSubscriptions: limits.maxSubscriptions ?? null,
    }),
  );
  return { ...succeeded('apiKey', apiKey), secret };
}

/** Revoking twice is harmless: the first revocation time stays. */
export async function revokeApiKey(ctx: MembersContext, input: { id: string }) {
  const key = await ctx.em.findOne(ApiKeyEntity, { id: input.id });
  if (!key) return failed('apiKey', [{ code: 'NOT_FOUND' as const, field: 'input.id', message: `there is no API key ${input.id}` }]);
  if (!key.revokedAt) {
    await ctx.db.transaction(ctx.em, (tx) => apiKeyRepository.revoke(ctx.db, tx, key.id, new Date()));
  }
  return succeeded('apiKey', await ctx.em.findOneOrFail(ApiKeyEntity, { id: key.id }, { refresh: true }));
}

export const listApiKeys = (ctx: MembersContext) => ctx.em.find(ApiKeyEntity, {}, { orderBy: { createdAt: 'desc', id: 'desc' } });

/**
 * A new secret for the key; the replaced one keeps working for
 * `overlapSeconds` (default a day), so a partner's deployments can switch
 * over one by one. A revoked or expired key cannot be rotated.
 */
export async function rotateApiKey(ctx: MembersContext, input: { id: string; overlapSeconds?: number | null }) {
  const overlapSeconds = input.overlapSeconds ?? DEFAULT_OVERLAP_SECONDS;
  if (!Number.isInteger(overlapSeconds) || overlapSeconds < 0 || overlapSeconds > MAX_OVERLAP_SECONDS) {
    const message = `input.overlapSeconds must be 0 to ${MAX_OVERLAP_SECONDS} (30 days); received ${overlapSeconds}`;
    return { ...failed('apiKey', [{ code: 'INVALID_VALUE' as const, field: 'input.overlapSeconds', message }]), secret: null };
  }
  const key = await ctx.em.findOne(ApiKeyEntity, { id: input.id });
  if (!key) {
    return {
      ...failed('apiKey', [{ code: 'NOT_FOUND' as const, field: 'input.id', message: `there is no API key ${input.id}` }]),
      secret: null,
    };
  }
  const now = new Date();
  if (!isActive(key, now)) {
    const message = `the API key ${key.prefix}... is ${key.revokedAt ? 'revoked' : 'expired'}; create a new one instead`;
    return { ...failed('apiKey', [{ code: 'API_KEY_INACTIVE' as const, field: 'input.id', message }]), secret: null };
  }
  const secret = newSecret();
  const rotated = await ctx.db.transaction(ctx.em, async (tx) => {
    const changed = await apiKeyRepository.rotate(ctx.db, tx, key, {
      secretHash: hashSecret(secret),
      prefix: secret.slice(0, VISIBLE_CHARACTERS),
      at: now,
      previousSecretExpiresAt: overlapSeconds > 0 ? new Date(now.getTime() + overlapSeconds * 1000) : null,
    });
    return changed;
  });
  // Another rotation got there first: this secret was never stored, so it must not be handed out.
  if (!rotated) {
    const message = `the API key ${key.prefix}... was rotated or revoked meanwhile; read it again and retry`;
    return { ...failed('apiKey', [{ code: 'API_KEY_INACTIVE' as const, field: 'input.id', message }]), secret: null };
  }
  return { ...succeeded('apiKey', await ctx.em.findOneOrFail(ApiKeyEntity, { id: key.id }, { refresh: true })), secret };
}

const isActive = (key: ApiKey, now: Date) => !key.revokedAt && (!key.expiresAt || key.expiresAt > now);

/**
 * The partner a secret belongs to, or null for a malformed, unknown, revoked
 * or expired one. A secret a rotation replaced answers until its overlap
 * ends; `expiresAt` says until when this secret works, so the router's cache
 * never outlives it.
 */
export async function authenticateApiKey(ctx: MembersContext, secret: string) {
  if (!SECRET.test(secret)) return null;
  const hash = hashSecret(secret);
  const now = new Date();
  const current = await ctx.em.findOne(ApiKeyEntity, { secretHash: hash, revokedAt: null });
  if (current && isActive(current, now)) return identityOf(current, current.expiresAt);
  const replaced = await ctx.em.findOne(ApiKeyEntity, { previousSecretHash: hash, revokedAt: null });
  if (!replaced || !isActive(replaced, now) || !replaced.previousSecretExpiresAt || replaced.previousSecretExpiresAt <= now) return null;
  const until =
    replaced.expiresAt && replaced.expiresAt < replaced.previousSecretExpiresAt ? replaced.expiresAt : replaced.previousSecretExpiresAt;
  return identityOf(replaced, until);
}

const identityOf = (key: ApiKey, expiresAt: Date | null | undefined) => ({
  id: key.id,
  scopes: scopesOfKey(key),
  documentsClient: key.documentsClient ?? null,
  expiresAt: expiresAt ?? null,
  requestsPerMinute: key.requestsPerMinute ?? null,
  maxQueryCost: key.maxQueryCost ?? null,
  maxSubscriptions: key.maxSubscriptions ?? null,
});
