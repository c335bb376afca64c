import { request as httpRequest } from 'node:http';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { ANONYMOUS } from '../platform/auth/identity.ts';
import { IDENTITY_HEADER, signIdentity } from '../platform/auth/identity-header.ts';
import { loadSecrets, type Secrets } from '../platform/auth/secrets.ts';
import { createInProcessBus, type EventBus } from '../platform/events/bus.ts';
import { createSubgraphServer, type SubgraphServer } from '../platform/graphql/subgraph.ts';
import { createLogger } from '../platform/observability/log.ts';
import { type TestEnvironment, testEnvironment } from '../platform/testing/databases.ts';
import { eventually } from '../platform/testing/eventually.ts';
import { sampleValue, scrapeMetrics } from '../platform/testing/metrics.ts';
import { OTLP_KIND, type OtlpReceiver, startOtlpReceiver } from '../platform/testing/otlp-receiver.ts';
import { createRouter, type Router } from './server.ts';
import { subscribeToRouter } from './subscriptions/testing/router-subscription.ts';
import { composeTestSupergraph } from './testing/harness.ts';
import { OBSERVED_SUBGRAPH_SDL, observedSubgraph, slowQueriesStarted } from './testing/observed-subgraph.ts';

/**
 * Observability (issue 9 item 5) end to end: a real router in front of a real
 * subgraph, both with JSON loggers whose lines the test keeps, tracing with
 * the OpenTelemetry SDK to an OTLP/HTTP receiver on a free port, and a bus the test can hold back (outbox lag).
 */
type System = {
  env: TestEnvironment;
  secrets: Secrets;
  router: Router;
  routerUrl: string;
  routerMetricsUrl: string;
  subgraph: SubgraphServer;
  subgraphUrl: string;
  routerLines: string[];
  subgraphLines: string[];
  /** While true, publishing to the bus fails (the outbox keeps its events). */
  holdBus: { on: boolean };
  /** Each closes once, however often called (a shutdown test closes one, then the whole system). */
  closeRouter(): Promise<void>;
  closeSubgraph(): Promise<void>;
  close(): Promise<void>;
};

async function startSystem(extraEnv: Record<string, string> = {}): Promise<System> {
  const env = testEnvironment({ label: 'SQLite', mysqlUrl: undefined }, extraEnv);
  const secrets = loadSecrets(env.config);
  const routerLines: string[] = [];
  const subgraphLines: string[] = [];
  const holdBus = { on: false };
  const inner = createInProcessBus();
  const bus: EventBus = {
    publish: (events) => (holdBus.on ? Promise.reject(new Error('the bus is held back by the test')) : inner.publish(events)),
    subscribe: (types, handler, options) => inner.subscribe(types, handler, options),
    close: () => inner.close(),
  };
  const subgraph = await createSubgraphServer(observedSubgraph, env.config, {
    secrets,
    bus,
    log: createLogger('catalogue', { format: 'json', write: (line) => subgraphLines.push(line) }),
  });
  const subgraphUrl = await subgraph.listen(0);
  const router = await createRouter(env.config, {
    secrets,
    supergraphSdl: composeTestSupergraph(OBSERVED_SUBGRAPH_SDL),
    subgraphUrls: { catalogue: subgraphUrl },
    log: createLogger('router', { format: 'json', write: (line) => routerLines.push(line) }),
  });
  const routerUrl = await router.listen(0);
  const routerMetricsUrl = await router.listenMetrics(0);
  const once = (close: () => Promise<void>) => {
    let closed: Promise<void> | undefined;
    return () => {
      closed ??= close();
      return closed;
    };
  };
  const closeRouter = once(() => router.close());
  const closeSubgraph = once(() => subgraph.close());
  return {
    env,
    secrets,
    router,
    routerUrl,
    routerMetricsUrl,
    subgraph,
    subgraphUrl,
    routerLines,
    subgraphLines,
    holdBus,
    closeRouter,
    closeSubgraph,
    async close() {
      await closeRouter();
      await closeSubgraph();
      await inner.close();
      await env.cleanup();
    },
  };
}

async function post(url: string, query: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as { data?: Record<string, unknown> | null; errors?: unknown[] },
  };
}

describe('observability of the router and a subgraph', () => {
  let system: System;
  let receiver: OtlpReceiver;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    system = await startSystem({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
  });
  afterAll(async () => {
    await system.close();
    await receiver.close();
  });

  it('serves /metrics on its own port, never on the public one', async () => {
    expect((await fetch(new URL('/metrics', system.routerUrl))).status).toBe(404);
    expect((await fetch(new URL('/graphql', system.routerMetricsUrl))).status).toBe(404);
    expect(await scrapeMetrics(system.routerMetricsUrl)).toContain('# TYPE graphql_operations_total counter');
  });

  it('counts requests and measures each operation and each subgraph fetch at /metrics on the router', async () => {
    const before = await scrapeMetrics(system.routerMetricsUrl);
    const countBefore = sampleValue(before, 'graphql_operations_total', { operation: 'Greeting', type: 'query' }) ?? 0;
    const fetchesBefore = sampleValue(before, 'subgraph_fetch_duration_seconds_count', { subgraph: 'catalogue' }) ?? 0;

    const answer = await post(system.routerUrl, 'query Greeting { hello }');
    expect(answer.body).toEqual({ data: { hello: 'hello' } });
    const invalid = await post(system.routerUrl, 'query Broken { nope }');
    expect(invalid.status).toBe(400);

    const after = await scrapeMetrics(system.routerMetricsUrl);
    expect(sampleValue(after, 'graphql_operations_total', { operation: 'Greeting', type: 'query' })).toBe(countBefore + 1);
    expect(sampleValue(after, 'graphql_operation_duration_seconds_count', { operation: 'Greeting', type: 'query' })).toBe(countBefore + 1);
    expect(sampleValue(after, 'graphql_operation_duration_seconds_bucket', { operation: 'Greeting', type: 'query', le: '+Inf' })).toBe(
      countBefore + 1,
    );
    expect(sampleValue(after, 'subgraph_fetch_duration_seconds_count', { subgraph: 'catalogue' })).toBe(fetchesBefore + 1);
    expect(sampleValue(after, 'graphql_errors_total', { code: 'GRAPHQL_VALIDATION_FAILED' })).toBeGreaterThanOrEqual(1);
    expect(sampleValue(after, 'http_requests_total', { route: '/graphql', method: 'POST', status: '200' })).toBeGreaterThanOrEqual(1);
    expect(after).toContain('# TYPE graphql_operation_duration_seconds histogram');
  });

  it("answers /metrics with prom-client's exposition: the process's default metrics, and the latency buckets", async () => {
    await post(system.routerUrl, 'query Buckets { hello }');
    const response = await fetch(new URL('/metrics', system.routerMetricsUrl));
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await response.text();
    for (const name of [
      'process_cpu_seconds_total',
      'nodejs_eventloop_lag_seconds',
      'process_resident_memory_bytes',
      'nodejs_heap_used_bytes',
      'process_uptime_seconds',
    ])
      expect(text.match(new RegExp(`^# TYPE ${name} `, 'gm'))).toHaveLength(1);
    expect(sampleValue(text, 'process_cpu_seconds_total')).toBeGreaterThan(0);
    const operation = { operation: 'Buckets', type: 'query' };
    for (const le of ['0.005', '0.025', '0.1', '0.2', '0.5', '1', '1.5', '20', '+Inf'])
      expect(sampleValue(text, 'graphql_operation_duration_seconds_bucket', { ...operation, le })).toBeDefined();
    expect(sampleValue(text, 'graphql_operation_duration_seconds_bucket', { ...operation, le: '+Inf' })).toBe(1);
    for (const le of ['0.001', '0.0025', '0.01', '0.25', '10'])
      expect(sampleValue(text, 'subgraph_fetch_duration_seconds_bucket', { subgraph: 'catalogue', le })).toBeDefined();
    // The subgraph's own /metrics (same process here) has the process metrics too, once.
    expect((await scrapeMetrics(system.subgraphUrl)).match(/^# TYPE process_cpu_seconds_total /gm)).toHaveLength(1);
  });

  it('counts the requests a subgraph serves at its own /metrics, without the router signature', async () => {
    const before = await scrapeMetrics(system.subgraphUrl);
    const served = (text: string) =>
      [...text.matchAll(/^graphql_operations_total\{[^}]*type="query"[^}]*\} (\d+)$/gm)].reduce((sum, match) => sum + Number(match[1]), 0);
    await post(system.routerUrl, 'query Again { hello }');
    const after = await scrapeMetrics(system.subgraphUrl);
    expect(served(after)).toBe(served(before) + 1);
    expect(sampleValue(after, 'graphql_subscriptions_open')).toBe(0);
    // Nothing about callers: no identities, no variables, no addresses.
    expect(after).not.toMatch(/staff|member|subject|127\.0\.0\.1/);
  });

  it('echoes a well-formed x-request-id and uses it at the subgraph, in its context and in both JSON logs', async () => {
    const requestId = 'test-request-0001';
    const answer = await post(system.routerUrl, 'query WhoAmI { requestId hello }', { 'x-request-id': requestId });
    expect(answer.headers.get('x-request-id')).toBe(requestId);
    expect(answer.body.data).toEqual({ requestId, hello: 'hello' });

    const parsed = (lines: string[]) => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const subgraphLine = parsed(system.subgraphLines).find((line) => line.message === 'said hello' && line.requestId === requestId);
    expect(subgraphLine).toMatchObject({ level: 'info', service: 'catalogue', requestId });
    expect(typeof subgraphLine?.time).toBe('string');
    const routerLine = parsed(system.routerLines).find((line) => line.message === 'request' && line.requestId === requestId);
    expect(routerLine).toMatchObject({ level: 'info', service: 'router', route: '/graphql', status: 200 });
    // Every line is one JSON object.
    for (const line of [...system.routerLines, ...system.subgraphLines]) expect(() => JSON.parse(line)).not.toThrow();
  });

  it('replaces a malformed x-request-id with a fresh one', async () => {
    const answer = await post(system.routerUrl, 'query WhoAmI { requestId }', { 'x-request-id': 'bad id with spaces' });
    const echoed = answer.headers.get('x-request-id');
    expect(echoed).toMatch(/^[0-9a-f-]{36}$/);
    expect(answer.body.data).toEqual({ requestId: echoed });
  });

  it('shows open subscriptions on the router and the subgraph while one is open, and none after', async () => {
    const open = (url: string) => scrapeMetrics(url).then((text) => sampleValue(text, 'graphql_subscriptions_open'));
    expect(await open(system.routerMetricsUrl)).toBe(0);
    const subscription = subscribeToRouter<number>({ routerUrl: system.routerUrl, query: 'subscription { ticked }', field: 'ticked' });
    await eventually(async () => (await open(system.subgraphUrl)) === 1, 'subgraph open subscriptions');
    expect(await open(system.routerMetricsUrl)).toBe(1);
    await post(system.routerUrl, 'mutation { tick(n: 7) }');
    expect(await subscription.received(1)).toEqual([7]);
    subscription.stop();
    await subscription.dispose();
    await eventually(async () => (await open(system.routerMetricsUrl)) === 0, 'router open subscriptions');
    await eventually(async () => (await open(system.subgraphUrl)) === 0, 'subgraph open subscriptions');
  });

  it('reports the outbox lag while the bus refuses events, and none once they are published', async () => {
    system.holdBus.on = true;
    try {
      await post(system.routerUrl, 'mutation { tick(n: 1) }');
      // The age grows while the event waits: scrape until it shows, instead of sleeping a guessed while.
      const held = await eventually(async () => {
        const scraped = await scrapeMetrics(system.subgraphUrl);
        return (sampleValue(scraped, 'outbox_oldest_unpublished_age_seconds') ?? 0) >= 0.04 && scraped;
      }, 'the waiting event is at least 40 ms old');
      expect(sampleValue(held, 'outbox_unpublished_events')).toBe(1);
    } finally {
      system.holdBus.on = false;
    }
    await system.subgraph.relay.drain();
    const published = await scrapeMetrics(system.subgraphUrl);
    expect(sampleValue(published, 'outbox_unpublished_events')).toBe(0);
    expect(sampleValue(published, 'outbox_oldest_unpublished_age_seconds')).toBe(0);
  });

  it('sends spans of the router request, its subgraph fetch and the subgraph request in one trace, continuing the caller’s', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    await post(system.routerUrl, 'query Traced { hello }', { traceparent: `00-${traceId}-00f067aa0ba902b7-01` });
    const spans = await eventually(() => {
      const found = receiver.spans.filter((span) => span.traceId === traceId);
      // Each service exports in its own batches: wait for all three spans, whichever batch brings the last.
      return (
        found.some((span) => span.service === 'catalogue' && span.kind === OTLP_KIND.server) &&
        found.some((span) => span.service === 'router' && span.kind === OTLP_KIND.server) &&
        found.some((span) => span.service === 'router' && span.kind === OTLP_KIND.client) &&
        found
      );
    }, 'spans of the trace');
    const routerServer = spans.find((span) => span.service === 'router' && span.kind === OTLP_KIND.server);
    const fetch = spans.find((span) => span.service === 'router' && span.kind === OTLP_KIND.client);
    const subgraphServer = spans.find((span) => span.service === 'catalogue' && span.kind === OTLP_KIND.server);
    expect(routerServer?.parentSpanId).toBe('00f067aa0ba902b7');
    expect(fetch?.parentSpanId).toBe(routerServer?.spanId);
    expect(fetch?.name).toBe('fetch catalogue');
    // The router's span names the operation; its attributes hold the name and type, never the variables.
    expect(routerServer).toMatchObject({
      name: 'query Traced',
      attributes: { 'graphql.operation.name': 'Traced', 'graphql.operation.type': 'query', 'http.response.status_code': 200 },
    });
    expect(subgraphServer?.parentSpanId).toBe(fetch?.spanId);
  });
});

describe('graceful shutdown', () => {
  let system: System;

  beforeEach(async () => {
    system = await startSystem({ SHUTDOWN_GRACE_MS: '5000' });
  });
  afterEach(async () => {
    await system.close();
  });

  /** A request on a connection of its own (no keep-alive pool), so a closed port shows as refused. */
  const freshConnection = (url: string) =>
    new Promise<number>((resolve, reject) => {
      const req = httpRequest(new URL('/health', url), { agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });

  it('lets the router finish a slow request, refuses new connections and closes sockets with 1001', async () => {
    const subscription = subscribeToRouter<number>({ routerUrl: system.routerUrl, query: 'subscription { ticked }', field: 'ticked' });
    await eventually(
      async () => (await scrapeMetrics(system.subgraphUrl).then((text) => sampleValue(text, 'graphql_subscriptions_open'))) === 1,
      'the subscription to open',
    );
    const reached = new Promise<void>((resolve) => slowQueriesStarted.push(resolve));
    const slow = post(system.routerUrl, 'query Slow { slow(ms: 400) }');
    await reached;

    const closing = system.closeRouter();
    expect(system.router.http.listening).toBe(false);
    await expect(freshConnection(system.routerUrl)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect((await subscription.ended).closeCode).toBe(1001);
    const answer = await slow;
    expect(answer.status).toBe(200);
    expect(answer.body.data).toEqual({ slow: 'slept 400 ms' });
    await closing;
  });

  it('lets a subgraph finish a slow request and closes its sockets with 1001', async () => {
    const identity = signIdentity(ANONYMOUS, system.secrets.internalAuthSecret);
    const client = createClient({
      url: system.subgraphUrl.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { [IDENTITY_HEADER]: identity },
      retryAttempts: 0,
    });
    const closeCode = new Promise<number | undefined>((resolve) => {
      client.subscribe(
        { query: 'subscription { ticked }' },
        { next: () => undefined, complete: () => resolve(undefined), error: (error) => resolve((error as { code?: number }).code) },
      );
    });
    await eventually(
      async () => (await scrapeMetrics(system.subgraphUrl).then((text) => sampleValue(text, 'graphql_subscriptions_open'))) === 1,
      'the subscription to open',
    );
    const reached = new Promise<void>((resolve) => slowQueriesStarted.push(resolve));
    const slow = post(system.subgraphUrl, '{ slow(ms: 300) }', { [IDENTITY_HEADER]: identity });
    await reached;

    const closing = system.closeSubgraph();
    await expect(freshConnection(system.subgraphUrl)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(await closeCode).toBe(1001);
    expect((await slow).body.data).toEqual({ slow: 'slept 300 ms' });
    await closing;
    await client.dispose();
  });
});

describe("a subgraph's circuit breaker at /metrics", () => {
  let system: System;
  beforeAll(async () => {
    // One failed fetch opens the circuit; it stays open far longer than the test.
    system = await startSystem({ SUBGRAPH_BREAKER_FAILURES: '1', SUBGRAPH_BREAKER_RESET_MS: '600000', SUBGRAPH_RETRIES: '0' });
  });
  afterAll(() => system.close());

  it('reports 0 while the subgraph answers and 1 once its circuit opens', async () => {
    const open = async () =>
      sampleValue(await scrapeMetrics(system.routerMetricsUrl), 'router_subgraph_circuit_open', { subgraph: 'catalogue' });
    expect((await post(system.routerUrl, '{ hello }')).body).toEqual({ data: { hello: 'hello' } });
    expect(await open()).toBe(0);

    await system.closeSubgraph();
    const failed = await post(system.routerUrl, '{ hello }');
    expect(failed.body.errors).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'SUBGRAPH_UNAVAILABLE' }) }),
    ]);
    expect(await open()).toBe(1);
  });
});
