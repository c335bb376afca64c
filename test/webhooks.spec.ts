import { Webhook } from 'standardwebhooks';
import { loadSecrets } from '../platform/auth/secrets.ts';
import { databaseTargets, reportSkippedMysql } from '../platform/testing/databases.ts';
import { eventually } from '../platform/testing/eventually.ts';
import { createRouter, type Router } from '../router/server.ts';
import { contractOperation } from './support/contract.ts';
import { demoWarehouseId } from './support/shop.ts';
import { startTestSystem, type TestSystem } from './support/system.ts';
import { type ReceivedWebhook, startWebhookReceiver } from './support/webhook-receiver.ts';

/**
 * Signed webhooks end to end (issue 20, docs/architecture.md §13): a partner
 * key with webhooks:write creates a webhook on stock changes whose document
 * also asks the catalogue for the product's name; the router's dispatcher
 * subscribes as the key, records each event in members and POSTs it to a
 * real local receiver that fails the first three requests. Every request
 * verifies with the `standardwebhooks` library (an implementation not ours),
 * a retry carries the same webhook-id and body, the delivery log shows every
 * attempt, and a changed body or another secret fails verification.
 * Backoff is short by configuration (WEBHOOK_RETRY_BASE_MS), never by timing.
 */
const CREATE_API_KEY = contractOperation('members.graphql', 'CreateApiKey');
const LOGIN = contractOperation('members.graphql', 'Login');
const ADJUST_STOCK = contractOperation('stock.graphql', 'AdjustStock');
const SKU = 'OF-VW-GOLF';
const WEBHOOK_QUERY = `subscription StockWebhook {
  stockChanged(skuCodes: ["${SKU}"]) { sku { code product { name } } delta available kind at }
}`;
const CREATE_WEBHOOK = `mutation Create($input: CreateWebhookInput!) {
  createWebhook(input: $input) { secret webhook { id name url status } userErrors { code field message } }
}`;
const DELIVERIES = `query Deliveries($id: ID!) {
  webhookDeliveries(webhookId: $id, first: 100) {
    edges { node { id status eventPosition attempts { status responseCode latencyMs error } } }
  }
}`;

type Payload = { type: string; data: { stockChanged: { sku: { code: string; product: { name: string } }; delta: number } } };
type Delivery = {
  id: string;
  status: string;
  eventPosition: string;
  attempts: { status: string; responseCode: number | null; latencyMs: number; error: string | null }[];
};

describe.each(databaseTargets())('signed webhooks through the router on $label', (target) => {
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
    });
    receiver = await startWebhookReceiver({ failures: 3 });
    const login = await system.graphql<{ login: { token: string } }>(LOGIN, {
      input: { email: 'admin@example.com', password: 'development-only-admin' },
    });
    const admin = login.body.data!.login.token;
    const key = await system.graphql<{ createApiKey: { secret: string } }>(
      CREATE_API_KEY,
      { input: { name: 'Partner: stock feed', scopes: ['webhooks:write', 'stock:read', 'catalogue:read'] } },
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

  const asPartner = <T>(query: string, variables: Record<string, unknown>) =>
    system.graphqlWithHeaders<T>(query, variables, { 'x-api-key': partnerKey });
  const adjust = async (delta: number) => {
    const { body } = await system.graphql<{ adjustStock: { userErrors: unknown[] } }>(
      ADJUST_STOCK,
      { input: { warehouseId, skuCode: SKU, delta, reason: `webhook test ${delta}` } },
      writer,
    );
    expect(body.data!.adjustStock.userErrors).toEqual([]);
  };
  const headersOf = (request: ReceivedWebhook) => ({
    'webhook-id': String(request.headers['webhook-id']),
    'webhook-timestamp': String(request.headers['webhook-timestamp']),
    'webhook-signature': String(request.headers['webhook-signature']),
  });
  const deltaOf = (request: ReceivedWebhook) => (JSON.parse(request.body) as Payload).data.stockChanged.delta;

  it('delivers every stock change signed, retrying with the same webhook-id until the receiver takes it, and logs the attempts', async () => {
    const created = await asPartner<{ createWebhook: { secret: string; webhook: { id: string; status: string }; userErrors: unknown[] } }>(
      CREATE_WEBHOOK,
      { input: { name: 'Stock feed', url: receiver.url, query: WEBHOOK_QUERY } },
    );
    const { secret, webhook, userErrors } = created.body.data!.createWebhook;
    expect(userErrors).toEqual([]);
    expect(webhook.status).toBe('ACTIVE');
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);

    // Deliveries start once a router holds the webhook's lease and listens: changes of 1 until one reaches the receiver.
    for (let round = 0; receiver.received.length === 0; round += 1) {
      if (round > 40) throw new Error('no delivery ever reached the receiver');
      await adjust(1);
      await eventually(() => receiver.received.length > 0, 'a first delivery', { timeoutMs: 500 }).catch(() => undefined);
    }
    // Three changes made while the webhook is known to listen: each must arrive.
    for (const delta of [2, 3, 4]) await adjust(delta);
    await eventually(
      () => {
        const delivered = receiver.received.filter((request) => request.status === 204);
        const ids = new Set(receiver.received.map((request) => request.headers['webhook-id']));
        return (
          [2, 3, 4].every((delta) => delivered.some((request) => deltaOf(request) === delta)) &&
          [...ids].every((id) => delivered.some((request) => request.headers['webhook-id'] === id))
        );
      },
      'every event delivered, the failed ones retried',
      { timeoutMs: 20_000, intervalMs: 50 },
    );

    const verifier = new Webhook(secret);
    for (const request of receiver.received) {
      // Throws unless id, timestamp and body are what the secret signed.
      verifier.verify(request.body, headersOf(request));
      const payload = JSON.parse(request.body) as Payload;
      expect(payload.type).toBe('stockChanged');
      expect(payload.data.stockChanged.sku.code).toBe(SKU);
      // Completed from the catalogue subgraph, as a live subscription's event is.
      expect(payload.data.stockChanged.sku.product.name).toEqual(expect.any(String));
      expect(payload.data.stockChanged.sku.product.name.length).toBeGreaterThan(0);
    }
    // The first three requests failed; each failed event came again with the same id and body, and got through.
    expect(receiver.received.slice(0, 3).map((request) => request.status)).toEqual([503, 503, 503]);
    const byId = Map.groupBy(receiver.received, (request) => String(request.headers['webhook-id']));
    for (const [id, requests] of byId) {
      expect(id).toMatch(/^msg_/);
      expect(new Set(requests.map((request) => request.body)).size).toBe(1);
      expect(requests.at(-1)!.status).toBe(204);
      expect(requests.filter((request) => request.status === 204)).toHaveLength(1);
    }
    // One id per event: the three known changes each arrived under an id of its own.
    const idsOfKnown = [2, 3, 4].map((delta) => [...byId].filter(([, requests]) => deltaOf(requests[0]!) === delta).map(([id]) => id));
    for (const ids of idsOfKnown) expect(ids).toHaveLength(1);
    expect(new Set(idsOfKnown.flat()).size).toBe(3);

    // The delivery log: for every delivery, one attempt per request the receiver saw, with its status code.
    // The receiver answers before the router records the attempt: the log is read once it has caught up.
    const deliveries = await eventually(
      async () => {
        const log = await asPartner<{ webhookDeliveries: { edges: { node: Delivery }[] } }>(DELIVERIES, { id: webhook.id });
        const nodes = log.body.data!.webhookDeliveries.edges.map((edge) => edge.node);
        return [...byId.keys()].every((id) => nodes.find((node) => node.id === id)?.status === 'DELIVERED') && nodes;
      },
      'the delivery log caught up',
      { intervalMs: 50 },
    );
    for (const [id, requests] of byId) {
      const delivery = deliveries.find((candidate) => candidate.id === id);
      expect(delivery).toBeDefined();
      expect(delivery!.status).toBe('DELIVERED');
      expect(delivery!.attempts.map((attempt) => attempt.responseCode)).toEqual(requests.map((request) => request.status));
      expect(delivery!.attempts.map((attempt) => attempt.status)).toEqual(
        requests.map((request) => (request.status === 204 ? 'SUCCEEDED' : 'FAILED')),
      );
      for (const attempt of delivery!.attempts) expect(attempt.latencyMs).toBeGreaterThanOrEqual(0);
    }
    const retried = deliveries.filter((delivery) => delivery.attempts.length > 1);
    expect(retried.length).toBeGreaterThan(0);
    expect(retried.reduce((sum, delivery) => sum + delivery.attempts.filter((a) => a.status === 'FAILED').length, 0)).toBe(3);

    // A forged or changed body, or another secret, fails verification.
    const sample = receiver.received.at(-1)!;
    const changed = sample.body.replace(/"delta":(\d+)/, (_, delta: string) => `"delta":${Number(delta) + 100}`);
    expect(changed).not.toBe(sample.body);
    expect(() => verifier.verify(changed, headersOf(sample))).toThrow();
    expect(() => verifier.verify(sample.body, { ...headersOf(sample), 'webhook-id': 'msg_forged' })).toThrow();
    const otherSecret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    expect(() => new Webhook(otherSecret).verify(sample.body, headersOf(sample))).toThrow();
  }, 60_000);
});

/**
 * Durability across a restart: the router's own dispatcher is off
 * (WEBHOOKS=false); dispatchers run in routers started and stopped by the
 * test. Events published while no router dispatches are delivered, each
 * once, when one is back: it resumes after the webhook's last recorded
 * position, and the stock subgraph replays the rest from its outbox.
 */
describe.each(databaseTargets())('webhooks across a router restart on $label', (target) => {
  let system: TestSystem;
  let partnerKey: string;
  let writer: string;
  let warehouseId: string;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  const routers: Router[] = [];

  beforeAll(async () => {
    system = await startTestSystem(target, {
      SEED_DEMO_DATA: 'true',
      WEBHOOKS: 'false',
      WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
      WEBHOOK_POLL_MS: '50',
      WEBHOOK_RETRY_BASE_MS: '20',
    });
    receiver = await startWebhookReceiver({ failures: 0 });
    const admin = await system.staffToken(['members:write']);
    const key = await system.graphql<{ createApiKey: { secret: string } }>(
      CREATE_API_KEY,
      { input: { name: 'Partner: restart', scopes: ['webhooks:write', 'catalogue:read'] } },
      admin,
    );
    partnerKey = key.body.data!.createApiKey.secret;
    writer = await system.staffToken(['stock:write', 'stock:read']);
    warehouseId = await demoWarehouseId(system);
  });
  afterAll(async () => {
    for (const router of routers) await router.close();
    await system?.close();
    await receiver?.close();
  });

  const startDispatchingRouter = async () => {
    const router = await createRouter(
      { ...system.config, webhooksEnabled: true },
      { secrets: loadSecrets(system.config), subgraphUrls: system.system.subgraphUrls },
    );
    routers.push(router);
    return router;
  };
  const adjust = async (delta: number) => {
    const { body } = await system.graphql<{ adjustStock: { userErrors: unknown[] } }>(
      ADJUST_STOCK,
      { input: { warehouseId, skuCode: SKU, delta, reason: `restart test ${delta}` } },
      writer,
    );
    expect(body.data!.adjustStock.userErrors).toEqual([]);
  };
  const deltas = () => receiver.received.map((request) => (JSON.parse(request.body) as Payload).data.stockChanged.delta);

  it('delivers the events published while no router was dispatching, each once, when one is back', async () => {
    const created = await system.graphqlWithHeaders<{ createWebhook: { secret: string; userErrors: unknown[] } }>(
      CREATE_WEBHOOK,
      { input: { name: 'Restart feed', url: receiver.url, query: WEBHOOK_QUERY } },
      { 'x-api-key': partnerKey },
    );
    expect(created.body.data!.createWebhook.userErrors).toEqual([]);
    const first = await startDispatchingRouter();
    for (let round = 0; receiver.received.length === 0; round += 1) {
      if (round > 40) throw new Error('no delivery ever reached the receiver');
      await adjust(1);
      await eventually(() => receiver.received.length > 0, 'a first delivery', { timeoutMs: 500 }).catch(() => undefined);
    }
    await eventually(() => deltas().length > 0 && deltas().every((delta) => delta === 1), 'the warm-up delivered');
    await first.close();
    routers.splice(routers.indexOf(first), 1);
    const before = receiver.received.length;

    // Nobody dispatches now.
    for (const delta of [11, 12, 13]) await adjust(delta);
    expect(receiver.received.length).toBe(before);

    await startDispatchingRouter();
    const missed = () => deltas().filter((delta) => delta > 10);
    await eventually(() => missed().length >= 3, 'the missed events delivered after the restart', { timeoutMs: 20_000, intervalMs: 50 });
    // Each missed event once (deliveries run in parallel, so the receiver may see them in any order), each under its own webhook-id.
    expect(missed().sort()).toEqual([11, 12, 13]);
    const ids = receiver.received.map((request) => request.headers['webhook-id']);
    expect(new Set(ids).size).toBe(ids.length);
    const verifier = new Webhook(created.body.data!.createWebhook.secret);
    for (const request of receiver.received) verifier.verify(request.body, headersOf(request));
  }, 60_000);

  const headersOf = (request: ReceivedWebhook) => ({
    'webhook-id': String(request.headers['webhook-id']),
    'webhook-timestamp': String(request.headers['webhook-timestamp']),
    'webhook-signature': String(request.headers['webhook-signature']),
  });
});

reportSkippedMysql();
