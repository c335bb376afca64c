import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { loadConfig } from '../config/config.ts';
import { requestIdFrom, runInRequestScope } from '../runtime/request-scope.ts';
import { sampleValue } from '../testing/metrics.ts';
import { createLogger, REDACTED } from './log.ts';
import { createMetricsRegistry, FETCH_BUCKETS, OPERATION_BUCKETS, processMetrics } from './metrics.ts';
import { createObservability } from './observability.ts';
import { extractContext, traceHeaders } from './tracing.ts';

const quiet = createLogger('test', { quiet: true });

describe('the metrics registry', () => {
  it('renders counters, gauges and cumulative histograms in the text exposition format', async () => {
    const registry = createMetricsRegistry();
    const requests = registry.counter('requests_total', 'Requests.', { labelNames: ['code'] });
    requests.inc({ code: 'OK' });
    requests.inc({ code: 'OK' }, 2);
    registry.gauge('open', 'Open things.').set(4);
    registry.gaugeReader('read_at_scrape', 'Read when scraped.', async () => [{ labels: { kind: 'a' }, value: 1.5 }], {
      labelNames: ['kind'],
    });
    registry.counterReader('kept_elsewhere_total', 'A total kept elsewhere.', () => 7);
    const latency = registry.histogram('latency_seconds', 'Latency.', { labelNames: ['op'], buckets: [0.1, 1] });
    latency.observe(0.05, { op: 'A' });
    latency.observe(0.5, { op: 'A' });
    latency.observe(3, { op: 'A' });
    const text = await registry.render();
    expect(text).toContain('# TYPE requests_total counter\nrequests_total{code="OK"} 3\n');
    expect(sampleValue(text, 'open')).toBe(4);
    expect(sampleValue(text, 'read_at_scrape', { kind: 'a' })).toBe(1.5);
    expect(text).toContain('# TYPE kept_elsewhere_total counter\nkept_elsewhere_total 7\n');
    expect(sampleValue(text, 'latency_seconds_bucket', { op: 'A', le: '0.1' })).toBe(1);
    expect(sampleValue(text, 'latency_seconds_bucket', { op: 'A', le: '1' })).toBe(2);
    expect(sampleValue(text, 'latency_seconds_bucket', { op: 'A', le: '+Inf' })).toBe(3);
    expect(sampleValue(text, 'latency_seconds_sum', { op: 'A' })).toBeCloseTo(3.55);
    expect(sampleValue(text, 'latency_seconds_count', { op: 'A' })).toBe(3);
  });

  it('escapes label values and folds label sets past its limit into "other"', async () => {
    const registry = createMetricsRegistry();
    const counter = registry.counter('ops_total', 'Operations.', { labelNames: ['operation'] });
    counter.inc({ operation: 'quote"back\\slash\nline' });
    for (let i = 0; i < 600; i++) counter.inc({ operation: `op${i}` });
    const text = await registry.render();
    expect(text).toContain('ops_total{operation="quote\\"back\\\\slash\\nline"} 1');
    expect(text.split('\n').filter((line) => line.startsWith('ops_total{')).length).toBeLessThanOrEqual(501);
    expect(sampleValue(text, 'ops_total', { operation: 'other' })).toBe(101);
  });

  it('leaves a failing reader out of the scrape instead of failing it', async () => {
    const registry = createMetricsRegistry();
    let fail = false;
    registry.gaugeReader('broken', 'Fails.', () => (fail ? Promise.reject(new Error('database down')) : 2));
    registry.gauge('fine', 'Works.').set(1);
    expect(sampleValue(await registry.render(), 'broken')).toBe(2);
    fail = true;
    const text = await registry.render();
    expect(sampleValue(text, 'broken')).toBeUndefined();
    expect(sampleValue(text, 'fine')).toBe(1);
  });

  it('refuses a name twice and a label it was not told of', () => {
    const registry = createMetricsRegistry();
    const counter = registry.counter('once_total', 'Once.', { labelNames: ['code'] });
    expect(() => registry.counter('once_total', 'Again.')).toThrow(/once_total/);
    expect(() => registry.gauge('process_cpu_seconds_total', 'A process metric.')).toThrow(/process metric/);
    expect(() => counter.inc({ route: '/x' })).toThrow(/route/);
  });

  it("adds the process's default metrics to every service's scrape, registered once however many services run", async () => {
    const [router, stock] = [createMetricsRegistry(), createMetricsRegistry()];
    router.counter('router_only_total', 'Only the router.').inc();
    const [routerText, stockText] = await Promise.all([router.render(), stock.render()]);
    const defaults = [
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'process_start_time_seconds',
      'nodejs_eventloop_lag_seconds',
      'nodejs_heap_size_used_bytes',
      'nodejs_gc_duration_seconds',
      // Names the dashboards read since before prom-client (deploy/monitoring/).
      'nodejs_heap_used_bytes',
      'process_uptime_seconds',
    ];
    for (const text of [routerText, stockText]) {
      for (const name of defaults) expect(text.match(new RegExp(`^# TYPE ${name} `, 'gm'))).toHaveLength(1);
      expect(sampleValue(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
      expect(sampleValue(text, 'process_uptime_seconds')).toBeGreaterThanOrEqual(0);
    }
    expect(sampleValue(routerText, 'router_only_total')).toBe(1);
    expect(stockText).not.toContain('router_only_total');
    expect(processMetrics()).toBe(processMetrics());
    expect(router.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
  });

  it('measures operations and subgraph fetches in buckets dense where the bench measured them', async () => {
    expect(OPERATION_BUCKETS).toEqual([...OPERATION_BUCKETS].sort((a, b) => a - b));
    // Each p50 and p99 the bench measured through the router (bench/results/2026-12-04-routers.md: burst p99 22 ms,
    // light page 99 / 204 ms, OrderDetail 155 / 351 ms, placeOrder 518 / 592 ms) has a bound within a quarter of it.
    for (const ms of [22, 99, 155, 204, 351, 518, 592, 1490])
      expect(OPERATION_BUCKETS.some((bound) => Math.abs(bound * 1000 - ms) <= ms / 4)).toBe(true);
    const registry = createMetricsRegistry();
    registry
      .histogram('fetch_seconds', 'Fetches.', { labelNames: ['subgraph'], buckets: FETCH_BUCKETS })
      .observe(0.004, { subgraph: 'stock' });
    const text = await registry.render();
    expect(sampleValue(text, 'fetch_seconds_bucket', { subgraph: 'stock', le: '0.0025' })).toBe(0);
    expect(sampleValue(text, 'fetch_seconds_bucket', { subgraph: 'stock', le: '0.005' })).toBe(1);
  });
});

describe('request ids and trace context', () => {
  it('keeps a well-formed incoming request id and replaces anything else', () => {
    expect(requestIdFrom('abc-123_DEF.456:7')).toBe('abc-123_DEF.456:7');
    for (const bad of [undefined, '', 'short', 'has space in it', 'x'.repeat(129), 'new\nline-injection']) {
      expect(requestIdFrom(bad)).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('continues well-formed W3C traceparent headers with the SDK propagator and refuses malformed ones', async () => {
    // The process-wide propagator is installed with the first tracing service.
    const observability = createObservability('stock', loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' }), quiet);
    try {
      const parent = trace.getSpanContext(extractContext({ traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' }));
      expect(parent).toMatchObject({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1 });
      const span = observability.tracing!.tracer.startSpan('child', {}, trace.setSpanContext(extractContext({}), parent!));
      expect(traceHeaders(span).traceparent).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
      span.end();
      const unsampled = trace.getSpanContext(extractContext({ traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00' }));
      expect(unsampled?.traceFlags).toBe(0);
      for (const bad of [
        'garbage',
        '00-00000000000000000000000000000000-00f067aa0ba902b7-01',
        '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01',
      ]) {
        expect(trace.getSpanContext(extractContext({ traceparent: bad }))).toBeUndefined();
      }
    } finally {
      await observability.close();
    }
  });

  it('starts no SDK without OTEL_EXPORTER_OTLP_ENDPOINT, and one with it', async () => {
    expect(createObservability('stock', loadConfig({}), quiet).tracing).toBeUndefined();
    const traced = createObservability('stock', loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }), quiet);
    expect(traced.tracing).toBeDefined();
    await traced.close();
  });

  it('refuses a sampler or ratio OpenTelemetry does not define', () => {
    expect(() => loadConfig({ OTEL_TRACES_SAMPLER: 'sometimes', OTEL_TRACES_SAMPLER_ARG: '2' })).toThrow(
      /OTEL_TRACES_SAMPLER must be [\s\S]*OTEL_TRACES_SAMPLER_ARG must be a number from 0 to 1; received "2"/,
    );
    expect(loadConfig({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' })).toMatchObject({
      otelTracesSampler: 'parentbased_traceidratio',
      otelTracesSamplerArg: 0.25,
    });
  });
});

describe('the logger', () => {
  // What the tracing SDK sets up in the services: a context manager that follows async work, and a tracer.
  const tracer = new TracerProvider().getTracer('log-test');
  beforeAll(() => context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable()));
  afterAll(() => context.disable());

  it("writes through pino the active span's trace and span ids and the request id, and redacts secrets and personal data", async () => {
    const lines: string[] = [];
    const log = createLogger('members', { format: 'json', write: (line) => lines.push(line) });
    const ids = await runInRequestScope({ requestId: 'req-00000002' }, () =>
      tracer.startActiveSpan('POST /graphql', async (span) => {
        await new Promise((resolve) => setImmediate(resolve)); // the span stays active across awaits
        log.info('signed in', {
          sku: 'TY-LL-CM1-205-55R16',
          password: 'hunter2-password',
          headers: { authorization: 'Bearer eyJsecret', cookie: 'session=abc123', 'x-api-key': 'ck_live_key123' },
          input: { phone: '+44 20 7946 0000', email: 'ada@example.org', apiKey: 'ck_live_other' },
        });
        const failure = Object.assign(new Error('denied'), { request: { headers: { authorization: 'Bearer leaked-token' } } });
        log.error('refused', failure, { token: 'reset-token-123' });
        span.end();
        return span.spanContext();
      }),
    );
    log.info('outside any request');
    const [signedIn, refused, outside] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(ids.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(signedIn).toMatchObject({
      level: 'info',
      service: 'members',
      message: 'signed in',
      requestId: 'req-00000002',
      trace_id: ids.traceId,
      span_id: ids.spanId,
      sku: 'TY-LL-CM1-205-55R16',
      password: REDACTED,
      headers: { authorization: REDACTED, cookie: REDACTED, 'x-api-key': REDACTED },
      input: { phone: REDACTED, email: REDACTED, apiKey: REDACTED },
    });
    expect(refused).toMatchObject({
      level: 'error',
      trace_id: ids.traceId,
      token: REDACTED,
      error: { name: 'Error', message: 'denied', request: { headers: { authorization: REDACTED } } },
    });
    expect(lines.join('\n')).not.toMatch(/hunter2|eyJsecret|abc123|ck_live|7946|ada@|leaked-token|reset-token/);
    expect(outside).not.toHaveProperty('trace_id');
    expect(outside).not.toHaveProperty('requestId');
  });

  it('writes only the levels LOG_LEVEL lets through, and keeps errors in quiet (test) mode', () => {
    expect(loadConfig({}).logLevel).toBe('info');
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL must be fatal, error, warn, info, debug, trace or silent/);
    const lines: string[] = [];
    const warnings = createLogger('stock', {
      format: 'json',
      level: loadConfig({ LOG_LEVEL: 'warn' }).logLevel,
      write: (line) => lines.push(line),
    });
    warnings.info('dropped');
    warnings.request?.({ route: '/graphql' });
    warnings.warn('kept');
    const quietLog = createLogger('stock', { format: 'json', quiet: true, level: 'debug', write: (line) => lines.push(line) });
    quietLog.warn('dropped too');
    quietLog.error('kept too');
    expect(lines.map((line) => (JSON.parse(line) as { message: string }).message)).toEqual(['kept', 'kept too']);
  });

  it('writes one JSON object per line with the request id of the scope it runs in', () => {
    const lines: string[] = [];
    const log = createLogger('stock', { format: 'json', write: (line) => lines.push(line) });
    runInRequestScope({ requestId: 'req-00000001' }, () => log.info('reserved', { lines: 2 }));
    log.error('failed', new Error('boom'));
    const [info, error] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(info).toMatchObject({ level: 'info', service: 'stock', message: 'reserved', requestId: 'req-00000001', lines: 2 });
    expect(new Date(info!.time as string).toISOString()).toBe(info!.time);
    expect(error).toMatchObject({ level: 'error', message: 'failed', error: { name: 'Error', message: 'boom' } });
    expect(error).not.toHaveProperty('requestId');
  });

  it('keeps the human format in text mode and writes no access lines there', () => {
    const lines: string[] = [];
    const log = createLogger('stock', { format: 'text', write: (line) => lines.push(line) });
    log.info('started');
    log.request?.({ route: '/graphql' });
    expect(lines).toEqual(['[stock] started']);
  });
});

describe('observability settings', () => {
  it('defaults to JSON logs in production and text elsewhere, and validates the variables', () => {
    expect(loadConfig({}).logFormat).toBe('text');
    const production = {
      NODE_ENV: 'production',
      INTERNAL_AUTH_SECRET: 'x'.repeat(32),
      JWT_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----\\nAA==',
    };
    expect(loadConfig(production).logFormat).toBe('json');
    expect(loadConfig({ ...production, LOG_FORMAT: 'text' }).logFormat).toBe('text');
    expect(loadConfig({ LOG_FORMAT: 'json' }).logFormat).toBe('json');
    expect(loadConfig({}).shutdownGraceMs).toBe(10_000);
    expect(() => loadConfig({ LOG_FORMAT: 'yaml', OTEL_EXPORTER_OTLP_ENDPOINT: 'ftp://x', SHUTDOWN_GRACE_MS: '-1' })).toThrow(
      /LOG_FORMAT must be json or text; received "yaml"[\s\S]*OTEL_EXPORTER_OTLP_ENDPOINT must be a http: or https: URL[\s\S]*SHUTDOWN_GRACE_MS/,
    );
  });
});
