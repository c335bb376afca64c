import type { MembersContext } from '../context.ts';
import * as repository from './webhook-repository.ts';

/**
 * What the routers' webhook dispatchers ask of members (router/webhooks/,
 * docs/architecture.md §13), as the `members:webhooks` service. A dispatcher
 * leases webhooks (one router per webhook at a time), records each event it
 * completed for a webhook it holds (the delivery and the webhook's new
 * position, once per position), claims the deliveries due and records each
 * attempt; members keeps the schedule: exponential backoff with jitter, for
 * WEBHOOK_RETRY_WINDOW_SECONDS, then the delivery FAILED and, when nothing
 * reached the receiver since that delivery was made, the webhook DISABLED
 * with a WebhookDisabled event for the partner's contact.
 */
export const LEASE_MS = 30_000;
/** A claimed delivery not recorded within this is due again (its router died mid-attempt). */
export const CLAIM_MS = 60_000;
const MAX_DELAY_MS = 3_600_000;
export const MAX_PAYLOAD_CHARACTERS = 262_144;
const POSITION = /^(0|[1-9]\d{0,15})$/;
const OWNER = /^[A-Za-z0-9._:-]{1,100}$/;

const bounded = (limit: number | null | undefined, max: number) => Math.min(Math.max(limit ?? max, 1), max);

function checkOwner(owner: string): void {
  if (!OWNER.test(owner)) throw new Error('owner must be 1-100 of A-Z a-z 0-9 . _ : -');
}

export async function leaseWebhooks(ctx: MembersContext, owner: string, limit: number | null | undefined) {
  checkOwner(owner);
  const leased = await ctx.db.transaction(ctx.em, (tx) => repository.lease(ctx.db, tx, owner, Date.now(), LEASE_MS, bounded(limit, 1000)));
  return leased;
}

export async function releaseWebhooks(ctx: MembersContext, owner: string): Promise<number> {
  checkOwner(owner);
  return ctx.db.transaction(ctx.em, (tx) => repository.release(ctx.db, tx, owner));
}

export async function recordWebhookEvent(
  ctx: MembersContext,
  input: { owner: string; webhookId: string; position: string; payload: string },
) {
  checkOwner(input.owner);
  if (!POSITION.test(input.position)) throw new Error('position must be a decimal event position');
  if (input.payload.length > MAX_PAYLOAD_CHARACTERS) throw new Error(`a payload has at most ${MAX_PAYLOAD_CHARACTERS} characters`);
  const deliveryId = await ctx.db.transaction(ctx.em, (tx) => repository.recordEvent(ctx.db, tx, input, Date.now()));
  return deliveryId ? { deliveryId, webhookId: input.webhookId, url: '', secret: '', payload: input.payload, attempts: 0 } : null;
}

export async function claimWebhookDeliveries(ctx: MembersContext, owner: string, limit: number | null | undefined) {
  checkOwner(owner);
  return ctx.db.transaction(ctx.em, (tx) => repository.claimDue(ctx.db, tx, owner, Date.now(), CLAIM_MS, bounded(limit, 200)));
}

/** The wait before the next attempt: doubling from the base, at most an hour, with full jitter over its upper half. */
export function retryDelayMs(attempts: number, baseMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(baseMs * 2 ** Math.min(attempts - 1, 30), MAX_DELAY_MS);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export async function recordWebhookAttempt(
  ctx: MembersContext,
  input: { owner: string; deliveryId: string; succeeded: boolean; responseCode?: number | null; latencyMs: number; error?: string | null },
): Promise<boolean> {
  checkOwner(input.owner);
  const delivery = await repository.deliveryById(ctx.db, ctx.em, input.deliveryId);
  if (!delivery) return false;
  const now = Date.now();
  const attempts = delivery.attempts + 1;
  const windowEnd = delivery.createdAtMs + ctx.config.webhookRetryWindowSeconds * 1000;
  const next = now + retryDelayMs(attempts, ctx.config.webhookRetryBaseMs);
  const status = input.succeeded ? 'DELIVERED' : next > windowEnd ? 'FAILED' : 'PENDING';
  await ctx.db.transaction(ctx.em, async (tx) => {
    await repository.insertAttempt(
      ctx.db,
      tx,
      {
        deliveryId: delivery.id,
        succeeded: input.succeeded,
        responseCode: input.responseCode ?? null,
        latencyMs: Math.max(0, Math.round(input.latencyMs)),
        error: input.error ? input.error.slice(0, 500) : null,
      },
      now,
    );
    await repository.settleDelivery(ctx.db, tx, delivery.id, status, status === 'PENDING' ? next : null);
    if (input.succeeded) await repository.markSuccess(ctx.db, tx, delivery.webhookId, now);
    if (status !== 'FAILED') return;
    const [webhook] = await ctx.db.execute<{ last_success_ms: unknown; api_key_id: string; name: string; url: string }>(
      tx,
      'select last_success_ms, api_key_id, name, url from webhook where id = ?',
      [delivery.webhookId],
    );
    const lastSuccess = webhook?.last_success_ms == null ? 0 : Number(webhook.last_success_ms);
    if (!webhook || lastSuccess >= delivery.createdAtMs) return;
    const reason = `no delivery succeeded for ${ctx.config.webhookRetryWindowSeconds} seconds (last: ${input.responseCode ?? input.error ?? 'no answer'})`;
    await repository.updateWebhook(ctx.db, tx, delivery.webhookId, { status: 'DISABLED', disabledReason: reason.slice(0, 500) }, now);
    // The partner's contact hears of it through the bus (the key's creator is its contact on our side).
    const [key] = await ctx.db.execute<{ created_by: string; name: string }>(tx, 'select created_by, name from api_key where id = ?', [
      webhook.api_key_id,
    ]);
    ctx.events.record(tx, 'WebhookDisabled', delivery.webhookId, {
      webhookId: delivery.webhookId,
      name: webhook.name,
      url: webhook.url,
      apiKeyId: webhook.api_key_id,
      apiKeyName: key?.name ?? null,
      contact: key?.created_by ?? null,
      reason,
    });
  });
  return true;
}
