import { createHash, randomBytes } from 'node:crypto';
import { quoted } from '../../../platform/graphql/excerpt.ts';
import { CLIENT_NAME } from '../../../platform/graphql/trusted-documents.ts';
import { failed, succeeded, UserErrors } from '../../../platform/graphql/user-errors.ts';
import { checkCount, checkText } from '../../../platform/graphql/validation.ts';
import { newId } from '../../../platform/values/ids.ts';
import type { MembersContext } from '../context.ts';
import { type ApiKey, ApiKeyEntity } from '../entities/api-key.entity.ts';
import type { MemberErrorCode } from './accounts.ts';
import * as apiKeyRepository from './api-key-repository.ts';
import { ALL_SCOPES } from './roles.ts';

/**
 * Partner API keys (docs/architecture.md §4 Auth). A secret is `cpk_` followed by 43
 * base64url characters (32 random bytes); it is shown once, when the key is
 * created, and stored only as its SHA-256. The first 12 characters stay
 * visible as the key's prefix. The router resolves `x-api-key` through
 * `authenticateApiKey` (with a short cache) and reports usage in batches.
 */
const SECRET_PREFIX = 'cpk_';
const SECRET = /^cpk_[A-Za-z0-9_-]{43}$/;
const VISIBLE_CHARACTERS = 12;

export const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');

export const scopesOfKey = (key: ApiKey) => key.scopes.split(' ').filter(Boolean);

export type CreateApiKeyInput = { name: string; scopes: string[]; documentsClient?: string | null };

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
  if (errors.any) return { ...failed('apiKey', errors), secret: null };
  const secret = `${SECRET_PREFIX}${randomBytes(32).toString('base64url')}`;
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

/** The partner a secret belongs to, or null for a malformed, unknown or revoked one. */
export async function authenticateApiKey(ctx: MembersContext, secret: string) {
  if (!SECRET.test(secret)) return null;
  const key = await ctx.em.findOne(ApiKeyEntity, { secretHash: hashSecret(secret), revokedAt: null });
  return key ? { id: key.id, scopes: scopesOfKey(key), documentsClient: key.documentsClient ?? null } : null;
}

export type ApiKeyUsage = { id: string; requests: number; lastUsedAt: Date };

/** Adds the router's counts; a report that arrives late never moves `lastUsedAt` backwards. */
export async function recordApiKeyUsage(ctx: MembersContext, usage: ApiKeyUsage[]): Promise<number> {
  const valid = usage.filter((entry) => Number.isInteger(entry.requests) && entry.requests > 0);
  await ctx.db.transaction(ctx.em, async (tx) => {
    for (const entry of valid) await apiKeyRepository.addUsage(ctx.db, tx, entry);
  });
  return valid.length;
}
