import type { SubgraphServer } from '../platform/graphql/subgraph.ts';
import { eventually } from '../platform/testing/eventually.ts';
import { type RouterEventStream, subscribeOverSse } from '../router/subscriptions/testing/router-event-stream.ts';
import { subscribeOverMultipart } from '../router/subscriptions/testing/router-multipart.ts';
import { type RouterSubscription, subscribeToRouter } from '../router/subscriptions/testing/router-subscription.ts';
import { contractOperation } from './support/contract.ts';
import { demoWarehouseId } from './support/shop.ts';
import { startTestSystem, type TestSystem } from './support/system.ts';

/**
 * Live updates over plain HTTP (docs/architecture.md §6, issue 21): the
 * contract's LiveStock on the router's /graphql over Server-Sent Events
 * (`accept: text/event-stream`, through graphql-sse's own client) and over
 * Apollo's multipart protocol (`accept: multipart/mixed;subscriptionSpec=1.0`),
 * next to graphql-ws: the same events, the same refusals, the same limits
 * (counted together across all three), and the upstream released when the
 * client goes away.
 */
const LIVE_STOCK = contractOperation('stock.graphql', 'LiveStock');
const ADJUST_STOCK = contractOperation('stock.graphql', 'AdjustStock');
const SKU_BY_CODE = contractOperation('catalogue.graphql', 'SkuByCode');
const SKU = 'BP-TOY-COR-F';
/** Caller-dependent (orderUpdated), with a field a member may not see (Sku.priceHistory: catalogue:read). */
const PRICES_OF_MY_ORDERS = 'subscription { orderUpdated { order { id lines { sku { priceHistory { changedAt } } } } } }';
const PER_CALLER = 4;

type StockChange = {
  sku: { code: string; name: string; product: { name: string } };
  warehouse: { code: string };
  onHand: number;
  delta: number;
  reason: string;
};
type Stream = RouterSubscription<StockChange> | RouterEventStream<StockChange>;

describe('live updates over Server-Sent Events and multipart HTTP', () => {
  let system: TestSystem;
  let stock: SubgraphServer;
  let orders: SubgraphServer;
  let reader: string;
  let writer: string;
  let warehouseId: string;
  const opened: { dispose(): Promise<void> }[] = [];

  beforeAll(async () => {
    system = await startTestSystem(
      { label: 'SQLite', mysqlUrl: undefined },
      { SEED_DEMO_DATA: 'true', SUBSCRIPTIONS_PER_CALLER: String(PER_CALLER), MULTIPART_HEARTBEAT_MS: '1000' },
    );
    stock = system.system.subgraphs.find((subgraph) => subgraph.name === 'stock')!;
    orders = system.system.subgraphs.find((subgraph) => subgraph.name === 'orders')!;
    reader = await system.staffToken(['stock:read']);
    writer = await system.staffToken(['stock:write', 'stock:read']);
    warehouseId = await demoWarehouseId(system);
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((subscription) => subscription.dispose()));
    await eventually(async () => (await metric('graphql_subscriptions_open')) === 0, 'every subscription is closed', {
      timeoutMs: 10_000,
    });
  });
  afterAll(async () => {
    await system?.close();
  });

  const metric = async (name: string) => {
    const text = await (await fetch(system.system.routerMetricsUrl)).text();
    return Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1]);
  };
  const overSse = (headers: Record<string, string>, variables: Record<string, unknown> = { skuCodes: [SKU] }, query = LIVE_STOCK) => {
    const stream = subscribeOverSse<StockChange>({ routerUrl: system.system.routerUrl, headers, query, variables, field: 'stockChanged' });
    opened.push(stream);
    return stream;
  };
  const overWs = (token: string) => {
    const subscription = subscribeToRouter<StockChange>({
      routerUrl: system.system.routerUrl,
      connectionParams: { authorization: `Bearer ${token}` },
      query: LIVE_STOCK,
      variables: { skuCodes: [SKU] },
      field: 'stockChanged',
    });
    opened.push(subscription);
    return subscription;
  };
  const overMultipart = (headers: Record<string, string>, variables: Record<string, unknown> = { skuCodes: [SKU] }, query = LIVE_STOCK) => {
    const stream = subscribeOverMultipart<StockChange>({
      routerUrl: system.system.routerUrl,
      headers,
      query,
      variables,
      field: 'stockChanged',
    });
    opened.push(stream);
    return stream;
  };
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const adjust = async (delta: number, reason: string) => {
    const { body } = await system.graphql<{ adjustStock: { userErrors: unknown[] } }>(
      ADJUST_STOCK,
      { input: { warehouseId, skuCode: SKU, delta, reason } },
      writer,
    );
    expect(body.data!.adjustStock.userErrors).toEqual([]);
  };
  /** Makes harmless changes until every subscriber has had one, so all of them listen before the changes a test counts. */
  const warmUp = async (streams: Stream[]) => {
    for (let attempt = 0; streams.some((stream) => stream.events.length === 0); attempt += 1) {
      if (attempt === 50) throw new Error('not every subscriber received a warm-up change');
      await adjust(1, 'warm-up');
      await Promise.all(streams.map((stream) => stream.received(1, 200).catch(() => undefined)));
    }
  };

  it('delivers the same LiveStock events, in order, over graphql-ws, SSE and multipart at once, completed from the catalogue, on one upstream', async () => {
    const catalogue = await system.graphql<{ sku: { name: string; product: { name: string } } }>(SKU_BY_CODE, { code: SKU });
    const before = stock.subscriptionsStarted();
    const ws = overWs(reader);
    const sse = overSse(bearer(reader));
    const multipart = overMultipart(bearer(reader));
    await warmUp([ws, sse, multipart]);
    for (let delta = 1; delta <= 5; delta += 1) await adjust(-delta, `sse ${delta}`);

    const counted = (events: StockChange[]) => events.filter((event) => event.reason.startsWith('ADJUSTMENT sse'));
    await eventually(
      () => [sse, ws, multipart].every((stream) => counted(stream.events).length === 5),
      'every transport has the five changes',
      { timeoutMs: 10_000 },
    ).catch(() => undefined);
    expect(counted(sse.events).map((event) => event.delta)).toEqual([-1, -2, -3, -4, -5]);
    expect(counted(sse.events)).toEqual(counted(ws.events));
    expect(counted(multipart.events)).toEqual(counted(ws.events));
    // The multipart stream opened with a heartbeat, as Apollo Router's does.
    expect(multipart.parts[0]).toEqual({});
    expect(counted(sse.events)[0]).toEqual(
      expect.objectContaining({
        sku: { code: SKU, name: catalogue.body.data!.sku.name, product: { name: catalogue.body.data!.sku.product.name } },
        warehouse: { code: 'SH-01' },
      }),
    );
    // One caller, one subscription: the transports share one upstream.
    expect(stock.subscriptionsStarted()).toBe(before + 1);
  });

  it('refuses an unscoped or anonymous caller with an error event or part, and a credential that does not check out with 401', async () => {
    const before = orders.subscriptionsStarted();
    // A caller-dependent subscription is refused whole at subscribe time for a field below its root.
    const member = bearer(await system.memberToken('http-member'));
    expect(await overSse(member, {}, PRICES_OF_MY_ORDERS).ended).toEqual({
      errors: [expect.objectContaining({ message: expect.stringContaining('catalogue:read'), extensions: { code: 'FORBIDDEN' } })],
    });
    expect((await overSse({}, {}, PRICES_OF_MY_ORDERS).ended).errors?.[0]?.extensions).toEqual({ code: 'UNAUTHENTICATED' });
    expect(await overSse(bearer('not-a-jwt')).ended).toEqual({ status: 401 });
    expect(await overSse({ 'x-api-key': 'cpk_made_up' }).ended).toEqual({ status: 401 });
    expect((await overMultipart(member, {}, PRICES_OF_MY_ORDERS).ended).errors?.[0]?.extensions).toEqual({ code: 'FORBIDDEN' });
    expect(await overMultipart(bearer('not-a-jwt')).ended).toEqual({ status: 401 });
    // Refused at the router: no subgraph was asked.
    expect(orders.subscriptionsStarted()).toBe(before);
  });

  it("streams LiveStock, a shared stream, to an anonymous caller with the warehouse's own figures refused in the event", async () => {
    const before = stock.subscriptionsStarted();
    const anonymous = [overSse({}), overMultipart({})];
    await eventually(() => stock.subscriptionsStarted() === before + 1, 'the one upstream started', { timeoutMs: 10_000 });
    await eventually(async () => (await metric('graphql_subscriptions_open')) === 2, 'both streams are open', { timeoutMs: 10_000 });
    await adjust(1, 'for anyone');
    // The test clients end a stream at the first result with errors and report them.
    for (const stream of anonymous) {
      expect(await stream.ended).toEqual({
        errors: ['onHand', 'reserved', 'reason'].map((field) => ({
          message: expect.stringContaining(`StockChange.${field} requires the scope stock:read`),
          extensions: { code: 'FORBIDDEN' },
        })),
      });
    }
  });

  it('counts every transport together under the per-caller limit, and refuses the next with TOO_MANY_SUBSCRIPTIONS', async () => {
    const streams: Stream[] = [overWs(reader), overWs(reader), overSse(bearer(reader)), overMultipart(bearer(reader))];
    await warmUp(streams);
    const tooMany = { errors: [expect.objectContaining({ extensions: { code: 'TOO_MANY_SUBSCRIPTIONS', limit: PER_CALLER } })] };
    expect(await overSse(bearer(reader)).ended).toEqual(tooMany);
    expect(await overMultipart(bearer(reader)).ended).toEqual(tooMany);
    expect(await metric('graphql_subscriptions_open')).toBe(PER_CALLER);
    // The others keep streaming.
    await adjust(1, 'after the refusal');
    for (const stream of streams) {
      await eventually(() => stream.events.some((event) => event.reason === 'ADJUSTMENT after the refusal'), 'the change arrived', {
        timeoutMs: 10_000,
      });
    }
  });

  it('releases the upstream when the client goes away', async () => {
    const before = stock.subscriptionsStarted();
    const controller = new AbortController();
    const response = await fetch(system.system.routerUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...bearer(reader) },
      body: JSON.stringify({ query: LIVE_STOCK, variables: { skuCodes: [SKU, 'OF-VW-GOLF'] } }),
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    await eventually(() => stock.subscriptionsStarted() === before + 1, 'the upstream started', { timeoutMs: 10_000 });
    expect(await metric('graphql_subscription_upstreams_open')).toBe(1);
    controller.abort();
    await eventually(async () => (await metric('graphql_subscription_upstreams_open')) === 0, 'the upstream is released', {
      timeoutMs: 10_000,
    });
    expect(await metric('graphql_subscriptions_open')).toBe(0);

    // Over multipart too; meanwhile it sends a heartbeat every MULTIPART_HEARTBEAT_MS (1 s here).
    const multipart = overMultipart(bearer(reader), { skuCodes: [SKU, 'OF-VW-GOLF'] });
    await eventually(() => stock.subscriptionsStarted() === before + 2, 'the multipart upstream started', { timeoutMs: 10_000 });
    await eventually(() => multipart.heartbeats() >= 2, 'a second heartbeat arrived', { timeoutMs: 15_000 });
    expect(multipart.events).toEqual([]);
    multipart.stop();
    await eventually(async () => (await metric('graphql_subscription_upstreams_open')) === 0, 'the multipart upstream is released', {
      timeoutMs: 10_000,
    });
    expect(await metric('graphql_subscriptions_open')).toBe(0);
  }, 30_000);

  it('answers bad input with a clear error and opens nothing', async () => {
    const post = async (body: string | undefined, contentType = 'application/json') => {
      const response = await fetch(system.system.routerUrl, {
        method: 'POST',
        headers: { 'content-type': contentType, accept: 'text/event-stream', ...bearer(reader) },
        body,
      });
      return { status: response.status, text: await response.text() };
    };
    const noBody = await post(undefined);
    expect(noBody.status).toBe(400);
    expect(JSON.parse(noBody.text).errors[0].extensions.code).toBe('BAD_REQUEST');
    const notJson = await post('{ not json');
    expect(notJson.status).toBe(400);
    expect(JSON.parse(notJson.text).errors[0]).toEqual({ message: expect.any(String), extensions: { code: 'BAD_REQUEST' } });
    const noQuery = await post(JSON.stringify({ variables: {} }));
    expect(noQuery).toEqual({ status: 400, text: expect.stringContaining('Missing query') });
    expect((await post('{}', 'text/plain')).status).toBe(400); // CSRF_REFUSED: a simple content type

    const errorOf = async (query: string, operationName?: string) =>
      (await subscribeOverSse({ routerUrl: system.system.routerUrl, headers: bearer(reader), query, operationName, field: 'x' }).ended)
        .errors?.[0]?.extensions?.code;
    expect(await errorOf(LIVE_STOCK, 'NoSuchOperation')).toBe('BAD_USER_INPUT');
    expect(await errorOf('subscription { stockChanged { noSuchField } }')).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(await errorOf('subscription {')).toBe('GRAPHQL_PARSE_FAILED');
    expect(await errorOf(LIVE_STOCK.replace('$skuCodes: [String!]', '$skuCodes: [String!]!'))).toBe('BAD_USER_INPUT');
    expect(await errorOf('{ warehouses { code } }')).toBe('BAD_USER_INPUT');

    const multipart = async (method: string, body?: string) => {
      const response = await fetch(system.system.routerUrl, {
        method,
        headers: { 'content-type': 'application/json', accept: 'multipart/mixed;subscriptionSpec="1.0"', ...bearer(reader) },
        body,
      });
      return { status: response.status, body: (await response.json()) as { errors: { extensions: { code: string } }[] } };
    };
    expect((await multipart('POST', '{ not json')).status).toBe(400);
    expect((await multipart('POST', '[]')).body.errors[0]!.extensions.code).toBe('BAD_REQUEST');
    expect((await multipart('POST', JSON.stringify({ query: LIVE_STOCK, variables: [1] }))).status).toBe(400);
    expect((await multipart('GET')).status).toBe(405);
    // A body past MAX_BODY_BYTES (1 MiB here) is refused on either transport before any of it is parsed.
    const oversized = JSON.stringify({ query: LIVE_STOCK, variables: { skuCodes: ['x'.repeat(2 * 1024 * 1024)] } });
    const tooLargeOverSse = await post(oversized);
    expect(tooLargeOverSse.status).toBe(413);
    expect(JSON.parse(tooLargeOverSse.text).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
    const tooLargeOverMultipart = await multipart('POST', oversized);
    expect(tooLargeOverMultipart.status).toBe(413);
    expect(tooLargeOverMultipart.body.errors[0]!.extensions.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await metric('graphql_subscriptions_open')).toBe(0);
    // The framing, byte for byte: a heartbeat, the refusal, the closing delimiter.
    const framed = await fetch(system.system.routerUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'multipart/mixed;subscriptionSpec="1.0"', ...bearer(reader) },
      body: JSON.stringify({ query: '{ warehouses { code } }' }),
    });
    expect(framed.headers.get('content-type')).toBe('multipart/mixed;boundary="graphql";subscriptionSpec="1.0"');
    const text = await framed.text();
    const head = '\r\ncontent-type: application/json\r\n\r\n';
    expect(
      text.startsWith(`\r\n--graphql${head}{}\r\n--graphql${head}{"payload":{"errors":[{"message":"this multipart stream serves`),
    ).toBe(true);
    expect(text.endsWith('"extensions":{"code":"BAD_USER_INPUT"}}]}}\r\n--graphql--\r\n')).toBe(true);
    const query = subscribeOverMultipart({
      routerUrl: system.system.routerUrl,
      headers: bearer(reader),
      query: '{ warehouses { code } }',
      field: 'x',
    });
    expect((await query.ended).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await metric('graphql_subscriptions_open')).toBe(0);
    expect(await metric('graphql_subscription_upstreams_open')).toBe(0);
  });
});
