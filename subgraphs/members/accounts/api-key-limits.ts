import { failed, succeeded, UserErrors } from '../../../platform/graphql/user-errors.ts';
import { checkInteger } from '../../../platform/graphql/validation.ts';
import type { MembersContext } from '../context.ts';
import { ApiKeyEntity } from '../entities/api-key.entity.ts';
import type { MemberErrorCode } from './accounts.ts';
import * as apiKeyRepository from './api-key-repository.ts';

/**
 * A partner key's own limits, enforced by the router (docs/architecture.md §4):
 * its token bucket (requests a minute, also the burst), the most an operation
 * may cost, and the subscriptions it may hold open at one router. Null means
 * the router-wide default (PARTNER_RATE_LIMIT_PER_MINUTE, MAX_QUERY_COST or a
 * PARTNER_QUERY_COST_LIMITS entry, SUBSCRIPTIONS_PER_CALLER). The bounds are
 * those of the router settings they stand in for.
 */
export type ApiKeyLimits = { requestsPerMinute: number | null; maxQueryCost: number | null; maxSubscriptions: number | null };

export const LIMIT_BOUNDS: Record<keyof ApiKeyLimits, { max: number }> = {
  requestsPerMinute: { max: 1_000_000 },
  maxQueryCost: { max: 1_000_000_000 },
  maxSubscriptions: { max: 1_000_000 },
};
const LIMIT_NAMES = Object.keys(LIMIT_BOUNDS) as (keyof ApiKeyLimits)[];

/** Checks the limits given (undefined: not given, null: the router's default); each from 1 to its bound. */
export function checkLimits(errors: UserErrors<MemberErrorCode>, input: Partial<ApiKeyLimits>): Partial<ApiKeyLimits> {
  const limits: Partial<ApiKeyLimits> = {};
  for (const name of LIMIT_NAMES) {
    const value = input[name];
    if (value === undefined) continue;
    limits[name] = value === null ? null : checkInteger(errors, `input.${name}`, value, 1, LIMIT_BOUNDS[name].max);
  }
  return limits;
}

export type UpdateApiKeyLimitsInput = { id: string } & Partial<ApiKeyLimits>;

/**
 * Sets the limits named in the input (null: back to the router's default) and
 * leaves the others as they are. Routers apply them once their cached lookup
 * of the key ends (API_KEY_CACHE_SECONDS). A revoked key's limits may still
 * change: they no longer matter, and refusing would only surprise.
 */
export async function updateApiKeyLimits(ctx: MembersContext, input: UpdateApiKeyLimitsInput) {
  const errors = new UserErrors<MemberErrorCode>();
  const limits = checkLimits(errors, input);
  if (errors.any) return failed('apiKey', errors);
  const key = await ctx.em.findOne(ApiKeyEntity, { id: input.id });
  if (!key) return failed('apiKey', [{ code: 'NOT_FOUND' as const, field: 'input.id', message: `there is no API key ${input.id}` }]);
  if (Object.keys(limits).length > 0) {
    await ctx.db.transaction(ctx.em, (tx) => apiKeyRepository.setLimits(ctx.db, tx, key.id, limits));
  }
  return succeeded('apiKey', await ctx.em.findOneOrFail(ApiKeyEntity, { id: key.id }, { refresh: true }));
}
