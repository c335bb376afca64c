import { randomUUID } from 'node:crypto';
import type { ExecutionResult } from 'graphql';
import type { Identity } from '../../platform/auth/identity.ts';
import type { Config } from '../../platform/config/config.ts';
import type { ServiceClient } from '../../platform/http/service-client.ts';
import type { Logger } from '../../platform/observability/log.ts';
import type { Channel } from '../subscriptions/channel.ts';
import { eventIdOf } from '../subscriptions/resume.ts';
import type { SubscriptionService } from '../subscriptions/subscription-service.ts';
import { attemptDelivery } from './deliver.ts';

/**
 * The router's webhook dispatcher (docs/architecture.md §13). Every
 * `pollMs` it leases webhooks from members (one router per webhook at a
 * time; a lease lasts 30 s and is renewed each round), keeps one
 * subscription open per webhook it holds, through the same subscription
 * service as live subscriptions (planned, authorized as the partner's key and
 * completed with every subgraph's fields the same way), and resumes it after
 * the webhook's last recorded position, so an event published while no
 * router was listening is replayed by the owning subgraph's outbox. Each
 * event is recorded in members (the delivery, and the webhook's new
 * position) before anything is sent; deliveries due (first attempts and
 * retries, scheduled by members) are then claimed and attempted.
 */
export type DispatcherOptions = {
  owner: string;
  services: ServiceClient;
  subscriptions: SubscriptionService;
  pollMs: number;
  timeoutMs: number;
  allowPrivateUrls: boolean;
  log: Logger;
};

type Leased = {
  id: string;
  url: string;
  query: string;
  secret: string;
  apiKeyId: string;
  scopes: string[];
  lastPosition: string | null;
  version: number;
};
type Dispatch = { deliveryId: string; webhookId: string; url: string; secret: string; payload: string; attempts: number };

/** `refused`: the query no longer passes (graph or scopes changed); tried again only once the webhook changes. */
type Running = { leased: Leased; stop: () => void; ended: boolean; resync: boolean; refused: boolean };

// A router takes at most 1,000 webhooks (members' bound); more are left to other routers.
const LEASE = `query WebhookLease($owner: String!) {
  leaseWebhooks(owner: $owner, limit: 1000) { id url query secret apiKeyId scopes lastPosition version }
}`;
const RECORD_EVENT = `mutation WebhookEvent($input: RecordWebhookEventInput!) { recordWebhookEvent(input: $input) { deliveryId } }`;
const CLAIM = `mutation WebhookClaim($owner: String!, $limit: Int!) {
  claimWebhookDeliveries(owner: $owner, limit: $limit) { deliveryId webhookId url secret payload attempts }
}`;
const RELEASE = 'mutation WebhookRelease($owner: String!) { releaseWebhooks(owner: $owner) }';
const RECORD_ATTEMPT = `mutation WebhookAttempt($input: RecordWebhookAttemptInput!) { recordWebhookAttempt(input: $input) }`;

/** Attempts one router makes at once: a slow receiver must not hold up everything. */
const PARALLEL_ATTEMPTS = 20;

export function startWebhookDispatcher(options: DispatcherOptions) {
  const { owner, services, subscriptions, log } = options;
  const running = new Map<string, Running>();
  const inFlight = new Set<string>();
  let lastProblem = '';
  let stopped = false;

  const identityOf = (webhook: Leased): Identity => ({ kind: 'partner', subject: webhook.apiKeyId, scopes: webhook.scopes });

  const open = (webhook: Leased, resync: boolean) => {
    const entry: Running = { leased: webhook, stop: () => undefined, ended: false, resync: false, refused: false };
    running.set(webhook.id, entry);
    const resumeAfter = resync ? undefined : (webhook.lastPosition ?? undefined);
    const prepared = subscriptions.prepare(
      identityOf(webhook),
      randomUUID(),
      { query: webhook.query, extensions: resumeAfter ? { lastEventId: resumeAfter } : undefined },
      'webhook',
    );
    if (Array.isArray(prepared)) {
      // The key lost a scope, or the graph changed under the query: nothing is subscribed; tried again next round.
      log.warn(`webhook ${webhook.id} cannot subscribe: ${prepared[0]?.message ?? 'refused'}`);
      entry.ended = true;
      entry.refused = true;
      return;
    }
    const connection = {};
    const ticket = subscriptions.reserve(connection, `webhook:${webhook.id}`);
    if (!('release' in ticket)) {
      log.warn(`webhook ${webhook.id} cannot subscribe: ${ticket.message}`);
      entry.ended = true;
      return;
    }
    const stream: Channel<ExecutionResult> = subscriptions.join({ ...prepared, ticket });
    entry.stop = () => {
      void stream.return?.();
      subscriptions.releaseConnection(connection);
    };
    const rootField = prepared.plan.operationContext.operation.selectionSet.selections.find((s) => s.kind === 'Field');
    const type = rootField && 'name' in rootField ? rootField.name.value : 'event';
    void (async () => {
      try {
        for await (const result of stream) {
          const position = eventIdOf(result);
          // Without a position an event cannot be recorded once and only once: it is not delivered.
          if (position === undefined) continue;
          const payload = JSON.stringify({
            type,
            timestamp: new Date().toISOString(),
            data: result.data ?? null,
            ...(result.errors?.length ? { errors: result.errors.map((error) => ('toJSON' in error ? error.toJSON() : error)) } : {}),
          });
          const recorded = await services.query<{ recordWebhookEvent: { deliveryId: string } | null }>('members', RECORD_EVENT, {
            input: { owner, webhookId: webhook.id, position, payload },
          });
          // The lease went to another router (or the webhook was disabled): this router stops.
          if (!recorded.recordWebhookEvent) break;
        }
      } catch (error) {
        const code = (error as { extensions?: { code?: unknown } }).extensions?.code;
        if (code === 'RESYNC_REQUIRED') {
          // The missed events are past the owner's replay window: the webhook goes on from now, and says so in the log.
          log.warn(`webhook ${webhook.id}: events after ${webhook.lastPosition} can no longer be replayed; continuing from the newest`);
          entry.resync = true;
        } else log.warn(`webhook ${webhook.id}'s subscription ended (${(error as Error).message}); it resumes next round`);
      } finally {
        entry.ended = true;
        entry.stop();
      }
    })();
  };

  const attempt = async (dispatch: Dispatch) => {
    inFlight.add(dispatch.deliveryId);
    try {
      const webhook = running.get(dispatch.webhookId)?.leased;
      // Authorized again at each attempt: the key is active (the lease says so) and the query still passes on today's graph.
      const check = webhook && subscriptions.prepare(identityOf(webhook), randomUUID(), { query: webhook.query }, 'webhook');
      const refused = !webhook ? 'the webhook is no longer held by this router' : Array.isArray(check) ? check[0]?.message : undefined;
      const outcome = refused
        ? { succeeded: false, responseCode: null, latencyMs: 0, error: `not sent: ${refused}` }
        : await attemptDelivery(
            { id: dispatch.deliveryId, url: dispatch.url, secret: dispatch.secret, payload: dispatch.payload },
            { timeoutMs: options.timeoutMs, policy: { allowPrivate: options.allowPrivateUrls } },
          );
      await services.query('members', RECORD_ATTEMPT, { input: { owner, deliveryId: dispatch.deliveryId, ...outcome } });
    } finally {
      inFlight.delete(dispatch.deliveryId);
    }
  };

  const round = async () => {
    const { leaseWebhooks } = await services.query<{ leaseWebhooks: Leased[] }>('members', LEASE, { owner });
    const held = new Map(leaseWebhooks.map((webhook) => [webhook.id, webhook]));
    for (const [id, entry] of running) {
      const now = held.get(id);
      if (!now || now.version !== entry.leased.version || (entry.ended && !entry.refused)) {
        entry.stop();
        running.delete(id);
        if (now && entry.ended && !stopped) open(now, entry.resync);
      } else entry.leased = now;
    }
    for (const webhook of leaseWebhooks) if (!running.has(webhook.id) && !stopped) open(webhook, false);
    if (inFlight.size >= PARALLEL_ATTEMPTS) return;
    const { claimWebhookDeliveries } = await services.query<{ claimWebhookDeliveries: Dispatch[] }>('members', CLAIM, {
      owner,
      limit: PARALLEL_ATTEMPTS - inFlight.size,
    });
    for (const dispatch of claimWebhookDeliveries) {
      attempt(dispatch).catch((error: unknown) =>
        log.warn(`webhook delivery ${dispatch.deliveryId}: the attempt could not be recorded (${(error as Error).message})`),
      );
    }
  };

  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      current = round()
        .then(() => {
          lastProblem = '';
        })
        .catch((error: unknown) => {
          const problem = (error as Error).message;
          // Members away: said once, not every round.
          if (problem !== lastProblem) log.warn(`webhook dispatcher: ${problem}`);
          lastProblem = problem;
        })
        .finally(schedule);
    }, options.pollMs);
    timer.unref();
  };
  schedule();

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await current;
      for (const entry of running.values()) entry.stop();
      running.clear();
      // Another router takes the webhooks over at its next round rather than when the leases run out.
      await services.query('members', RELEASE, { owner }).catch((error: unknown) => {
        log.warn(`webhook leases not released (${(error as Error).message}); they lapse within 30 s`);
      });
    },
  };
}

/** The dispatcher as the router's settings ask (WEBHOOKS, WEBHOOK_POLL_MS, WEBHOOK_TIMEOUT_MS), or none. */
export function webhookDispatcherOf(
  config: Pick<Config, 'webhooksEnabled' | 'webhookPollMs' | 'webhookTimeoutMs' | 'webhookAllowPrivateUrls'>,
  deps: Pick<DispatcherOptions, 'services' | 'subscriptions' | 'log'>,
) {
  if (!config.webhooksEnabled) return undefined;
  return startWebhookDispatcher({
    ...deps,
    // Unique per process, so two routers never take each other's leases for their own.
    owner: `router-${process.pid}-${randomUUID().slice(0, 8)}`,
    pollMs: config.webhookPollMs,
    timeoutMs: config.webhookTimeoutMs,
    allowPrivateUrls: config.webhookAllowPrivateUrls,
  });
}
