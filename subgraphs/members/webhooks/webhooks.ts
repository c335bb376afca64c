import { randomBytes } from 'node:crypto';
import { decodeCursor, encodeCursor, pageSize } from '../../../platform/graphql/pagination.ts';
import { documentIdOf } from '../../../platform/graphql/trusted-documents.ts';
import { failed, succeeded, UserErrors } from '../../../platform/graphql/user-errors.ts';
import { checkText } from '../../../platform/graphql/validation.ts';
import { resolveTarget } from '../../../platform/http/outbound-url.ts';
import { newId } from '../../../platform/values/ids.ts';
import type { MemberErrorCode } from '../accounts/accounts.ts';
import type { MembersContext } from '../context.ts';
import { ApiKeyEntity } from '../entities/api-key.entity.ts';
import { TrustedDocumentEntity } from '../entities/trusted-document.entity.ts';
import { checkWebhookQuery } from './webhook-query.ts';
import * as repository from './webhook-repository.ts';

/**
 * A partner's webhooks (docs/architecture.md §13): managed by the API key
 * itself (webhooks:write), each owned by the key that created it and
 * invisible to any other. The signing secret (Standard Webhooks' `whsec_`
 * and 32 random bytes in base64) is shown once; it is stored as is, since
 * signing needs it.
 */
export type WebhookErrorCode =
  | MemberErrorCode
  | 'INVALID_WEBHOOK_QUERY'
  | 'WEBHOOK_QUERY_NOT_SUBSCRIPTION'
  | 'WEBHOOK_QUERY_FORBIDDEN'
  | 'WEBHOOK_QUERY_TOO_LONG'
  | 'WEBHOOK_QUERY_NOT_PUBLISHED'
  | 'WEBHOOK_URL_TOO_LONG'
  | 'WEBHOOK_URL_INVALID'
  | 'WEBHOOK_URL_NOT_HTTPS'
  | 'WEBHOOK_URL_PRIVATE_ADDRESS'
  | 'WEBHOOK_URL_UNRESOLVABLE'
  | 'TOO_MANY_WEBHOOKS'
  | 'NOT_A_PARTNER_KEY';

export const MAX_URL_CHARACTERS = 2048;

type Errors = UserErrors<WebhookErrorCode>;

const partnerKeyOf = (ctx: MembersContext) => (ctx.identity.kind === 'partner' && ctx.identity.subject ? ctx.identity.subject : undefined);

const notPartner = (key: string) =>
  failed(key, [{ code: 'NOT_A_PARTNER_KEY' as const, field: null, message: 'webhooks belong to a partner API key: call with x-api-key' }]);
const notFound = (key: string, field: string, id: string) =>
  failed(key, [{ code: 'NOT_FOUND' as const, field, message: `this key has no webhook ${id}` }]);

async function checkUrl(ctx: MembersContext, errors: Errors, field: string, url: string): Promise<void> {
  if (url.length > MAX_URL_CHARACTERS) {
    errors.add('WEBHOOK_URL_TOO_LONG', field, `a webhook URL has at most ${MAX_URL_CHARACTERS} characters; received ${url.length}`);
    return;
  }
  const target = await resolveTarget(url, { allowPrivate: ctx.config.webhookAllowPrivateUrls });
  if ('code' in target) errors.add(`WEBHOOK_${target.code}`, field, target.message);
}

async function checkQuery(ctx: MembersContext, errors: Errors, field: string, query: string, apiKeyId: string): Promise<void> {
  const problem = checkWebhookQuery(query, ctx.identity.scopes);
  if (problem) {
    errors.add(problem.code, field, problem.message);
    return;
  }
  // A key bound to a client's trusted documents runs only those (docs/architecture.md §11), webhooks included.
  const client = (await ctx.em.findOne(ApiKeyEntity, { id: apiKeyId }))?.documentsClient;
  if (client && !(await ctx.em.findOne(TrustedDocumentEntity, { client, documentId: documentIdOf(query) }))) {
    errors.add('WEBHOOK_QUERY_NOT_PUBLISHED', field, `the key runs only ${client}'s trusted documents; publish this query first`);
  }
}

export async function createWebhook(ctx: MembersContext, input: { name: string; url: string; query: string }) {
  const apiKeyId = partnerKeyOf(ctx);
  if (!apiKeyId) return { ...notPartner('webhook'), secret: null };
  const errors: Errors = new UserErrors();
  const name = checkText(errors, 'input.name', input.name, 120);
  await checkUrl(ctx, errors, 'input.url', input.url);
  await checkQuery(ctx, errors, 'input.query', input.query, apiKeyId);
  if (errors.any) return { ...failed('webhook', errors), secret: null };
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const id = newId();
  const limit = ctx.config.webhooksPerKey;
  const created = await ctx.db.transaction(ctx.em, async (tx) => {
    if ((await repository.countOfKey(ctx.db, tx, apiKeyId)) >= limit) return false;
    await repository.insertWebhook(ctx.db, tx, { id, apiKeyId, name, url: input.url, query: input.query, secret }, Date.now());
    return true;
  });
  if (!created) {
    const message = `a key has at most ${limit} webhooks (WEBHOOKS_PER_KEY); delete one first`;
    return { ...failed('webhook', [{ code: 'TOO_MANY_WEBHOOKS' as const, field: null, message }]), secret: null };
  }
  return { ...succeeded('webhook', await repository.webhookOfKey(ctx.db, ctx.em, apiKeyId, id)), secret };
}

export type UpdateWebhookInput = { id: string; name?: string | null; url?: string | null; query?: string | null; enabled?: boolean | null };

export async function updateWebhook(ctx: MembersContext, input: UpdateWebhookInput) {
  const apiKeyId = partnerKeyOf(ctx);
  if (!apiKeyId) return notPartner('webhook');
  const webhook = await repository.webhookOfKey(ctx.db, ctx.em, apiKeyId, input.id);
  if (!webhook) return notFound('webhook', 'input.id', input.id);
  const errors: Errors = new UserErrors();
  const name = input.name == null ? undefined : checkText(errors, 'input.name', input.name, 120);
  if (input.url != null) await checkUrl(ctx, errors, 'input.url', input.url);
  if (input.query != null) await checkQuery(ctx, errors, 'input.query', input.query, apiKeyId);
  if (errors.any) return failed('webhook', errors);
  const status = input.enabled == null ? undefined : input.enabled ? ('ACTIVE' as const) : ('DISABLED' as const);
  await ctx.db.transaction(ctx.em, (tx) =>
    repository.updateWebhook(
      ctx.db,
      tx,
      webhook.id,
      {
        name,
        url: input.url ?? undefined,
        query: input.query ?? undefined,
        status,
        disabledReason: status === undefined ? undefined : status === 'ACTIVE' ? null : 'disabled by the partner',
      },
      Date.now(),
    ),
  );
  return succeeded('webhook', await repository.webhookOfKey(ctx.db, ctx.em, apiKeyId, webhook.id));
}

export async function deleteWebhook(ctx: MembersContext, input: { id: string }) {
  const apiKeyId = partnerKeyOf(ctx);
  if (!apiKeyId) return notPartner('webhook');
  const webhook = await repository.webhookOfKey(ctx.db, ctx.em, apiKeyId, input.id);
  if (!webhook) return notFound('webhook', 'input.id', input.id);
  await ctx.db.transaction(ctx.em, (tx) => repository.deleteWebhook(ctx.db, tx, webhook.id));
  return succeeded('webhook', webhook);
}

export async function listWebhooks(ctx: MembersContext) {
  const apiKeyId = partnerKeyOf(ctx);
  return apiKeyId ? repository.webhooksOfKey(ctx.db, ctx.em, apiKeyId) : [];
}

/** A webhook's deliveries, newest first, with their attempts; null for a webhook not the caller's. */
export async function webhookDeliveries(ctx: MembersContext, args: { webhookId: string; first?: number | null; after?: string | null }) {
  const apiKeyId = partnerKeyOf(ctx);
  if (!apiKeyId || !(await repository.webhookOfKey(ctx.db, ctx.em, apiKeyId, args.webhookId))) return null;
  const size = pageSize(args.first);
  const after = args.after ? (decodeCursor(args.after, ['number', 'string']) as [number, string]) : undefined;
  const rows = await repository.deliveriesPage(ctx.db, ctx.em, args.webhookId, after, size + 1);
  const page = rows.slice(0, size);
  const attempts = await repository.attemptsOf(
    ctx.db,
    ctx.em,
    page.map((row) => row.id),
  );
  const edges = page.map((row) => ({
    cursor: encodeCursor([row.createdAtMs, row.id]),
    node: {
      ...row,
      createdAt: new Date(row.createdAtMs),
      nextAttemptAt: row.status === 'PENDING' && row.nextAttemptMs !== null ? new Date(row.nextAttemptMs) : null,
      attempts: attempts.get(row.id) ?? [],
    },
  }));
  return { edges, pageInfo: { hasNextPage: rows.length > size, endCursor: edges.at(-1)?.cursor ?? null } };
}

/** The delivery due again now, same webhook-id and body. Only the caller's own webhook's deliveries. */
export async function redeliverWebhook(ctx: MembersContext, deliveryId: string) {
  const apiKeyId = partnerKeyOf(ctx);
  if (!apiKeyId) return notPartner('delivery');
  const delivery = await repository.deliveryById(ctx.db, ctx.em, deliveryId);
  const webhook = delivery && (await repository.webhookOfKey(ctx.db, ctx.em, apiKeyId, delivery.webhookId));
  if (!delivery || !webhook) {
    return failed('delivery', [{ code: 'NOT_FOUND' as const, field: 'deliveryId', message: `this key has no delivery ${deliveryId}` }]);
  }
  const now = Date.now();
  await ctx.db.transaction(ctx.em, (tx) => repository.requeue(ctx.db, tx, delivery.id, now));
  const attempts = await repository.attemptsOf(ctx.db, ctx.em, [delivery.id]);
  return succeeded('delivery', {
    ...delivery,
    status: 'PENDING',
    createdAt: new Date(delivery.createdAtMs),
    nextAttemptAt: new Date(now),
    attempts: attempts.get(delivery.id) ?? [],
  });
}
