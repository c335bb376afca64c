import { trace } from '@opentelemetry/api';
import { loadConfig } from '../config/config.ts';
import { requestIdFrom, runInRequestScope } from '../runtime/request-scope.ts';
import { sampleValue } from '../testing/metrics.ts';
import { createLogger } from './log.ts';
import { createMetricsRegistry } from './metrics.ts';
import { createObservability } from './observability.ts';
import { extractContext, traceHeaders } from './tracing.ts';

const quiet = createLogger('test', { quiet: true });

describe('the metrics registry', () => {
  it('renders counters, gauges and cumulative histograms in the text exposition format', async () => {
    const registry = createMetricsRegistry();
    const requests = registry.counter('requests_total', 'Requests.');
    requests.inc({ code: 'OK' });
    requests.inc({ code: 'OK' }, 2);
    registry.gauge('open', 'Open things.').set(4);
    registry.gaugeReader('read_at_scrape', 'Read when scraped.', async () => [{ labels: { kind: 'a' }, value: 1.5 }]);
    const latency = registry.histogram('latency_seconds', 'Latency.', [0.1, 1]);
    latency.observe(0.05, { op: 'A' });
    latency.observe(0.5, { op: 'A' });
    latency.observe(3, { op: 'A' });
    const text = await registry.render();
    expect(text).toContain('# TYPE requests_total counter\nrequests_total{code="OK"} 3\n');
    expect(sampleValue(text, 'open')).toBe(4);
    expect(sampleValue(text, 'read_at_scrape', { kind: 'a' })).toBe(1.5);
    expect(sampleValue(text, 'latency_seconds_bucket', { op: 'A', le: '0.1' })).toBe(1);
    expect(sampleValue(text, 'latency_seconds_bucket', { op: 'A', le: '1' })).toBe(2);
    expect(sampleValue(text, 'latency_seconds_bucket', { op: 'A', le: '+Inf' })).toBe(3);
    expect(sampleValue(text, 'latency_seconds_sum', { op: 'A' })).toBeCloseTo(3.55);
    expect(sampleValue(text, 'latency_seconds_count', { op: 'A' })).toBe(3);
  });

  it('escapes label values and folds label sets past its limit into "other"', async () => {
    const registry = createMetricsRegistry();
    const counter = registry.counter('ops_total', 'Operations.');
    counter.inc({ operation: 'quote"back\\slash\nline' });
    for (let i = 0; i < 600; i++) counter.inc({ operation: `op${i}` });
    const text = await registry.render();
    expect(text).toContain('ops_total{operation="quote\\"back\\\\slash\\nline"} 1');
    expect(text.split('\n').filter((line) => line.startsWith('ops_total{')).length).toBeLessThanOrEqual(501);
    expect(sampleValue(text, 'ops_total', { operation: 'other' })).toBe(101);
  });

  it('leaves a failing reader out of the scrape instead of failing it', async () => {
    const registry = createMetricsRegistry();
    registry.gaugeReader('broken', 'Fails.', () => Promise.reject(new Error('database down')));
    registry.gauge('fine', 'Works.').set(1);
    const text = await registry.render();
    expect(sampleValue(text, 'broken')).toBeUndefined();
    expect(sampleValue(text, 'fine')).toBe(1);
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
