import { Webhook } from 'standardwebhooks';
import { databaseTargets, reportSkippedMysql } from '../platform/testing/databases.ts';
import { eventually } from '../platform/testing/eventually.ts';
import { contractOperation } from './support/contract.ts';
import { demoWarehouseId } from './support/shop.ts';
import { startTestSystem, type TestSystem } from './support/system.ts';
import { startWebhookReceiver } from './support/webhook-receiver.ts';

/**
 * A webhook whose receiver keeps failing (docs/architecture.md §13): retried
 * until the retry window ends (3 s here by WEBHOOK_RETRY_WINDOW_SECONDS; a
 * day or more in production), then the delivery is FAILED and the webhook
 * DISABLED, with a WebhookDisabled event in the members outbox for the
 * partner's contact. The partner then fixes its endpoint, enables the
 * webhook again and redelivers the failed delivery: the same webhook-id and
 * body arrive, signed, and the log records the success.
 */
const CREATE_API_KEY = contractOperation('members.graphql', 'CreateApiKey');
const ADJUST_STOCK = contractOperation('stock.graphql', 'AdjustStock');
const SKU = 'OF-VW-GOLF';
const QUERY = `subscription { stockChanged(skuCodes: ["${SKU}"]) { sku { code product { name } } delta } }`;
const CREATE = `mutation Create($input: CreateWebhookInput!) {
  createWebhook(input: $input) { secret webhook { id } userErrors { code } }
}`;
const WEBHOOKS = '{ webhooks { id status disabledReason } }';
const DELIVERIES = `query Deliveries($id: ID!) {
  webhookDeliveries(webhookId: $id) { edges { node { id status payload attempts { status responseCode } } } }
}`;
type Delivery = { id: string; status: string; payload: string; attempts: { status: string; responseCode: number | null }[] };

describe.each(databaseTargets())('a webhook that keeps failing on $label', (target) => {
  let system: TestSystem;
  let partnerKey: string;
  let writer: string;
  let warehouseId: string;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

  beforeAll(async () => {
    system = await startTestSystem(target, {
      SEED_DEMO_DATA: 'true',
      WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
      WEBHOOK_POLL_MS: '50',
      WEBHOOK_RETRY_BASE_MS: '20',
      WEBHOOK_RETRY_WINDOW_SECONDS: '3',
    });
    receiver = await startWebhookReceiver({ failures: Number.POSITIVE_INFINITY });
    const admin = await system.staffToken(['members:write']);
    const key = await system.graphql<{ createApiKey: { secret: string } }>(
      CREATE_API_KEY,
      { input: { name: 'Partner: flaky endpoint', scopes: ['webhooks:write', 'catalogue:read'] } },
      admin,
    );
    partnerKey = key.body.data!.createApiKey.secret;
    writer = await system.staffToken(['stock:write', 'stock:read']);
    warehouseId = await demoWarehouseId(system);
  });
  afterAll(async () => {
    await system?.close();
    await receiver?.close();
  });

  const asPartner = <T>(query: string, variables: Record<string, unknown> = {}) =>
    system.graphqlWithHeaders<T>(query, variables, { 'x-api-key': partnerKey });

  it('is disabled after its retry window with a notice, and a redelivery after the fix arrives with the same id and body', async () => {
    const created = await asPartner<{ createWebhook: { secret: string; webhook: { id: string } } }>(CREATE, {
      input: { name: 'Flaky', url: receiver.url, query: QUERY },
    });
    const { secret, webhook } = created.body.data!.createWebhook;
    for (let round = 0; receiver.received.length === 0; round += 1) {
      if (round > 40) throw new Error('no delivery ever reached the receiver');
      const { body } = await system.graphql<{ adjustStock: { userErrors: unknown[] } }>(
        ADJUST_STOCK,
        { input: { warehouseId, skuCode: SKU, delta: 1, reason: 'failing endpoint' } },
        writer,
      );
      expect(body.data!.adjustStock.userErrors).toEqual([]);
      await eventually(() => receiver.received.length > 0, 'a first attempt', { timeoutMs: 500 }).catch(() => undefined);
    }

    const disabled = await eventually(
      async () => {
        const { body } = await asPartner<{ webhooks: { id: string; status: string; disabledReason: string | null }[] }>(WEBHOOKS);
        const found = body.data!.webhooks.find((candidate) => candidate.id === webhook.id);
        return found?.status === 'DISABLED' && found;
      },
      'the webhook disabled',
      { timeoutMs: 15_000, intervalMs: 100 },
    );
    expect(disabled.disabledReason).toContain('no delivery succeeded');
    const { body: logBody } = await asPartner<{ webhookDeliveries: { edges: { node: Delivery }[] } }>(DELIVERIES, { id: webhook.id });
    const failed = logBody.data!.webhookDeliveries.edges.map((edge) => edge.node).find((delivery) => delivery.status === 'FAILED');
    expect(failed).toBeDefined();
    expect(failed!.attempts.length).toBeGreaterThan(1);
    expect(failed!.attempts.every((attempt) => attempt.status === 'FAILED' && attempt.responseCode === 503)).toBe(true);
    expect(receiver.received.filter((request) => request.headers['webhook-id'] === failed!.id)).toHaveLength(failed!.attempts.length);

    // The partner's contact is told through the members outbox (and so the bus).
    const members = system.system.subgraphs.find((server) => server.name === 'members')!;
    const notices = await members.db.execute<{ event_key: string; payload: string }>(
      members.db.fork(),
      "select event_key, payload from outbox_event where type = 'WebhookDisabled'",
    );
    expect(notices.map((notice) => notice.event_key)).toContain(webhook.id);
    expect(JSON.stringify(notices)).toContain('Partner: flaky endpoint');

    // Fixed endpoint, webhook enabled again, the failed delivery sent again: same id, same body, now taken.
    receiver.failures = 0;
    const enabled = await asPartner<{ updateWebhook: { webhook: { status: string } } }>(
      'mutation($id: ID!) { updateWebhook(input: {id: $id, enabled: true}) { webhook { status } } }',
      { id: webhook.id },
    );
    expect(enabled.body.data!.updateWebhook.webhook.status).toBe('ACTIVE');
    const redelivered = await asPartner<{ redeliverWebhook: { delivery: { id: string } | null; userErrors: unknown[] } }>(
      'mutation($id: ID!) { redeliverWebhook(deliveryId: $id) { delivery { id } userErrors { code } } }',
      { id: failed!.id },
    );
    expect(redelivered.body.data!.redeliverWebhook).toEqual({ delivery: { id: failed!.id }, userErrors: [] });
    const taken = await eventually(
      () => receiver.received.find((request) => request.headers['webhook-id'] === failed!.id && request.status === 204) ?? false,
      'the redelivery taken',
      { timeoutMs: 15_000, intervalMs: 50 },
    );
    expect(taken!.body).toBe(failed!.payload);
    new Webhook(secret).verify(taken!.body, {
      'webhook-id': String(taken!.headers['webhook-id']),
      'webhook-timestamp': String(taken!.headers['webhook-timestamp']),
      'webhook-signature': String(taken!.headers['webhook-signature']),
    });
  }, 60_000);
});

reportSkippedMysql();
