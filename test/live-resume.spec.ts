import { databaseTargets, reportSkippedMysql } from '../platform/testing/databases.ts';
import { eventually } from '../platform/testing/eventually.ts';
import { type RouterEventStream, subscribeOverSse } from '../router/subscriptions/testing/router-event-stream.ts';
import { subscribeOverMultipart } from '../router/subscriptions/testing/router-multipart.ts';
import { type RouterSubscription, subscribeToRouter } from '../router/subscriptions/testing/router-subscription.ts';
import { contractOperation } from './support/contract.ts';
import { demoWarehouseId } from './support/shop.ts';
import { startTestSystem, type TestSystem } from './support/system.ts';

/**
 * Resuming live data after a drop (issue 21, docs/architecture.md §6): every
 * event carries an id (its position in the stock subgraph's outbox); a
 * client that comes back naming the last id it saw receives exactly the
 * events it missed, in order, once, on each transport, and then the live
 * ones. Past the replay window (REPLAY_WINDOW_EVENTS, small here) it is told
 * RESYNC_REQUIRED instead, and nothing is replayed.
 */
const LIVE_STOCK = contractOperation('stock.graphql', 'LiveStock');
const ADJUST_STOCK = contractOperation('stock.graphql', 'AdjustStock');
const SKU = 'OF-VW-GOLF';
const MISSED = 50;
const WINDOW = 80;

type StockChange = { sku: { code: string; product: { name: string } }; delta: number; reason: string };
type Stream = RouterSubscription<StockChange> | RouterEventStream<StockChange>;
type Transport = 'graphql-ws' | 'sse' | 'multipart';

describe.each(databaseTargets())('resuming live stock after a drop on $label', (target) => {
  let system: TestSystem;
  let reader: string;
  let writer: string;
  let warehouseId: string;
  const opened: Stream[] = [];

  beforeAll(async () => {
    system = await startTestSystem(target, { SEED_DEMO_DATA: 'true', REPLAY_WINDOW_EVENTS: String(WINDOW) });
    reader = await system.staffToken(['stock:read']);
    writer = await system.staffToken(['stock:write', 'stock:read']);
    warehouseId = await demoWarehouseId(system);
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((stream) => stream.dispose()));
  });
  afterAll(async () => {
    await system?.close();
  });

  const subscribe = (transport: Transport, lastEventId?: string): Stream => {
    const common = { routerUrl: system.system.routerUrl, query: LIVE_STOCK, variables: { skuCodes: [SKU] }, field: 'stockChanged' };
    const extensions = lastEventId ? { lastEventId } : undefined;
    const auth = { authorization: `Bearer ${reader}` };
    const stream =
      transport === 'graphql-ws'
        ? subscribeToRouter<StockChange>({ ...common, connectionParams: auth, extensions })
        : transport === 'sse'
          ? // An EventSource names its last event in a header; graphql-sse's client can send it too.
            subscribeOverSse<StockChange>({ ...common, headers: { ...auth, ...(lastEventId ? { 'last-event-id': lastEventId } : {}) } })
          : subscribeOverMultipart<StockChange>({ ...common, headers: auth, extensions });
    opened.push(stream);
    return stream;
  };
  const adjust = async (delta: number, reason: string) => {
    const { body } = await system.graphql<{ adjustStock: { userErrors: unknown[] } }>(
      ADJUST_STOCK,
      { input: { warehouseId, skuCode: SKU, delta, reason } },
      writer,
    );
    expect(body.data!.adjustStock.userErrors).toEqual([]);
  };
  /** Changes until the stream has one, so it is known to listen; returns that event's id. */
  const listening = async (stream: Stream, label: string) => {
    for (let attempt = 0; stream.events.length === 0; attempt += 1) {
      if (attempt > 20) throw new Error(`${label} never received an event`);
      await adjust(1, `${label} warm-up ${attempt}`);
      await stream.received(1, 1000).catch(() => undefined);
    }
    return stream.eventIds.at(-1)!;
  };
  const metric = async (name: string, transport: Transport) => {
    const text = await (await fetch(system.system.routerMetricsUrl)).text();
    return Number(new RegExp(`^${name}\\{transport="${transport}"\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
  };

  it.each<Transport>(['graphql-ws', 'sse', 'multipart'])(
    'over %s, replays exactly the events missed while away, in order and once, then goes on live',
    async (transport) => {
      const first = subscribe(transport);
      const lastSeen = await listening(first, `${transport} first`);
      expect(lastSeen).toMatch(/^\d+$/);
      await first.dispose();

      const reasons = Array.from({ length: MISSED }, (_, index) => `${transport} missed ${index}`);
      // Changes made while nobody listens: no upstream is open, so only the outbox holds them.
      for (const reason of reasons) await adjust(1, reason);
      const resumesBefore = await metric('graphql_subscription_resumes_total', transport);

      const again = subscribe(transport, lastSeen);
      const replayed = await again.received(MISSED, 20_000);
      expect(replayed.map((event) => event.reason)).toEqual(reasons.map((reason) => `ADJUSTMENT ${reason}`));
      // Ids only grow: the same order the outbox published them in.
      const ids = again.eventIds.slice(0, MISSED).map((id) => BigInt(id!));
      expect(ids.every((id, index) => index === 0 || id > ids[index - 1]!)).toBe(true);
      expect(ids[0]! > BigInt(lastSeen)).toBe(true);
      // Completed like live events: the product's name comes from the catalogue.
      expect(replayed.every((event) => event.sku.code === SKU && event.sku.product.name.length > 0)).toBe(true);

      // And it goes on live, with nothing repeated.
      await adjust(1, `${transport} live after resume`);
      const all = await again.received(MISSED + 1, 10_000);
      expect(all.at(-1)!.reason).toBe(`ADJUSTMENT ${transport} live after resume`);
      expect(new Set(again.eventIds).size).toBe(again.eventIds.length);
      expect(await metric('graphql_subscription_resumes_total', transport)).toBe(resumesBefore + 1);
    },
  );

  it('resumes while others share the live upstream: the resumed subscriber gets the gap and then the same live events, once each', async () => {
    const watcher = subscribe('graphql-ws');
    const leaver = subscribe('sse');
    await listening(watcher, 'watcher');
    await eventually(async () => leaver.events.length > 0, 'the leaver has an event', { timeoutMs: 10_000 });
    const lastSeen = leaver.eventIds.at(-1)!;
    await leaver.dispose();
    const watched = watcher.events.length;
    for (let index = 0; index < 5; index += 1) await adjust(1, `shared gap ${index}`);
    await watcher.received(watched + 5);

    const back = subscribe('sse', lastSeen);
    await back.received(5, 10_000);
    for (let index = 0; index < 3; index += 1) await adjust(1, `shared live ${index}`);
    await watcher.received(watched + 8);
    // What the resumed subscriber must get: every event the watcher saw after the leaver's last one (a warm-up may be among them).
    const expected = watcher.events
      .map((event, index) => ({ id: watcher.eventIds[index]!, reason: event.reason }))
      .filter((event) => BigInt(event.id) > BigInt(lastSeen));
    await back.received(expected.length, 10_000);
    expect(back.events.map((event, index) => ({ id: back.eventIds[index], reason: event.reason }))).toEqual(expected);
    expect(expected.at(-1)!.reason).toBe('ADJUSTMENT shared live 2');
  });

  it('serves a GET event stream (an EventSource with headers) whose Last-Event-ID header resumes, each event with its id: line', async () => {
    const first = subscribe('sse');
    const lastSeen = await listening(first, 'event source first');
    await first.dispose();
    for (let index = 0; index < 3; index += 1) await adjust(1, `event source missed ${index}`);

    const url = new URL(system.system.routerUrl);
    url.searchParams.set('query', LIVE_STOCK);
    url.searchParams.set('variables', JSON.stringify({ skuCodes: [SKU] }));
    const controller = new AbortController();
    const response = await fetch(url, {
      // A GET needs a header a cross-site form cannot send (CSRF prevention), as every GraphQL GET here does.
      headers: {
        accept: 'text/event-stream',
        authorization: `Bearer ${reader}`,
        'last-event-id': lastSeen,
        'apollo-require-preflight': 'true',
      },
      signal: controller.signal,
    });
    expect({ status: response.status, body: response.status === 200 ? '' : await response.text() }).toEqual({ status: 200, body: '' });
    let text = '';
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body!) {
        text += decoder.decode(chunk, { stream: true });
        if ((text.match(/^event: next$/gm) ?? []).length >= 3) break;
      }
    } finally {
      controller.abort();
    }
    const events = [...text.matchAll(/^id: (\d+)\nevent: next\ndata: (.*)$/gm)].map(([, id, data]) => ({
      id: id!,
      reason: (JSON.parse(data!) as { data: { stockChanged: StockChange } }).data.stockChanged.reason,
    }));
    expect(events.map((event) => event.reason)).toEqual([0, 1, 2].map((index) => `ADJUSTMENT event source missed ${index}`));
    expect(BigInt(events[0]!.id) > BigInt(lastSeen)).toBe(true);
  });

  it('answers RESYNC_REQUIRED, replaying nothing, to a client whose last id is past the replay window', async () => {
    const first = subscribe('graphql-ws');
    const lastSeen = await listening(first, 'resync first');
    await first.dispose();
    for (let index = 0; index < WINDOW + 5; index += 1) await adjust(1, `beyond the window ${index}`);
    const resyncsBefore = await metric('graphql_subscription_resyncs_total', 'multipart');

    for (const transport of ['graphql-ws', 'sse', 'multipart'] as const) {
      const late = subscribe(transport, lastSeen);
      const outcome = await late.ended;
      expect(outcome.errors?.[0]?.extensions?.code).toBe('RESYNC_REQUIRED');
      expect(late.events).toEqual([]);
    }
    expect(await metric('graphql_subscription_resyncs_total', 'multipart')).toBe(resyncsBefore + 1);
  });

  it('refuses a malformed or forged last event id with its code, and opens nothing', async () => {
    const malformed = subscribe('graphql-ws', 'not-a-number');
    expect((await malformed.ended).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    // An id this stream never reached: the owner cannot replay from it.
    const forged = subscribe('multipart', '999999999999');
    expect((await forged.ended).errors?.[0]?.extensions?.code).toBe('RESYNC_REQUIRED');
    const sseMalformed = subscribe('sse', '12abc');
    expect((await sseMalformed.ended).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    await eventually(
      async () => /^graphql_subscription_upstreams_open 0$/m.test(await (await fetch(system.system.routerMetricsUrl)).text()),
      'no upstream is left open',
      { timeoutMs: 10_000 },
    );
  });
});

describe('resuming live stock on MariaDB', () => reportSkippedMysql());
