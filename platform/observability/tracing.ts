import {
  type Context,
  context,
  createContextKey,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { setGlobalErrorHandler, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  type Sampler,
  TraceIdRatioBasedSampler,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import type { CommonConfig, TracesSampler } from '../config/common.ts';
import type { Logger } from './log.ts';

/**
 * Tracing with the OpenTelemetry SDK (docs/architecture.md, observability).
 *
 * Each service gets a TracerProvider of its own rather than one global SDK:
 * the embedded start and the tests run the router and all six subgraphs in
 * one process, and each must export under its own `service.name`. What is
 * process-wide is only what has to be: the AsyncLocalStorage context manager
 * (so `trace.getActiveSpan()` from @opentelemetry/api works in resolvers and
 * log lines) and the W3C trace-context propagator. No provider is registered
 * as the global one, so the monkey-patching instrumentations are not used:
 * they would attribute every service's spans to whichever registered first,
 * and under Jest's module registry they patch nothing (docs/architecture.md
 * §14 says what was checked). Our spans are
 * made where the work is known: the request (observability.ts), the router's
 * subgraph fetches, each SQL statement (db/statement-count.ts), the outbox
 * publish and each consumer (events/traced-bus.ts).
 *
 * Without OTEL_EXPORTER_OTLP_ENDPOINT there is no provider at all: the
 * context key below is never set, so `serviceTracer()` is undefined and
 * every place that would trace does nothing.
 */
export type Tracing = {
  readonly tracer: Tracer;
  /** Exports every ended span now. */
  flush(): Promise<void>;
  /** Exports what is left and stops. */
  close(): Promise<void>;
};

const SERVICE_TRACER = createContextKey('commerce-supergraph service tracer');
let contextInstalled = false;
/** A collector that is away fails every batch: say so at most once a minute, never per span or per request. */
const EXPORT_WARNING_INTERVAL_MS = 60_000;

/** The process-wide context manager, propagator and SDK error handler, once; harmless to install again. */
function installContext(log: Logger): void {
  if (contextInstalled) return;
  contextInstalled = true;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  let warnedAt = Number.NEGATIVE_INFINITY;
  setGlobalErrorHandler((error) => {
    if (Date.now() - warnedAt < EXPORT_WARNING_INTERVAL_MS) return;
    warnedAt = Date.now();
    log.warn(`tracing: ${error instanceof Error ? error.message : String(error)} (spans are dropped while this lasts)`);
  });
}

export function createTracing(service: string, config: CommonConfig, log: Logger): Tracing | undefined {
  const endpoint = config.otelExporterOtlpEndpoint;
  if (!endpoint) return undefined;
  installContext(log);
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      'service.name': config.otelServiceName ?? service,
      'service.namespace': 'commerce-supergraph',
    }),
    sampler: samplerOf(config.otelTracesSampler, config.otelTracesSamplerArg ?? 1),
    spanProcessors: [
      new BatchSpanProcessor({
        exporter: new OTLPTraceExporter({ url: `${endpoint.replace(/\/+$/, '')}/v1/traces` }),
        scheduledDelayMillis: 1000,
      }),
    ],
  });
  const tracer = provider.getTracer('commerce-supergraph');
  return {
    tracer,
    flush: () => provider.forceFlush(),
    // A collector that is away must not fail a shutdown: the spans still waiting are lost, and said so.
    close: () =>
      provider.shutdown().catch((error: unknown) => log.warn(`the last spans could not be exported: ${(error as Error).message}`)),
  };
}

function samplerOf(name: TracesSampler, ratio: number): Sampler {
  switch (name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio);
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
    default:
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}

/** `parent` made the active context for `work`, with the tracer of the service doing it. */
export function withServiceTracer<T>(tracer: Tracer, parent: Context, work: () => T): T {
  return context.with(parent.setValue(SERVICE_TRACER, tracer), work);
}

/** The tracer of the service whose work is running now; undefined when that service does not trace. */
export function serviceTracer(): Tracer | undefined {
  return context.active().getValue(SERVICE_TRACER) as Tracer | undefined;
}

/** The context a W3C carrier (`traceparent`, `tracestate`) names, on a fresh root: nothing of the current context leaks in. */
export function extractContext(carrier: Record<string, string | string[] | undefined>): Context {
  return propagation.extract(ROOT_CONTEXT, carrier);
}

/** The W3C headers that make `span` (or the active span) the parent of a receiver's work; empty when nothing is traced. */
export function traceHeaders(span?: Span): Record<string, string> {
  const carrier: Record<string, string> = {};
  const from = span ? trace.setSpan(context.active(), span) : context.active();
  propagation.inject(from, carrier);
  return carrier;
}

/** Ends `span`, marked failed when `error` is given. */
export function endSpan(span: Span, error?: unknown): void {
  if (error !== undefined) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    if (error instanceof Error) span.recordException(error);
  }
  span.end();
}

/**
 * A span of the current service's work as a child of the active span
 * (nothing, for free, when the service does not trace), e.g. one SQL statement.
 */
export function childSpan(
  name: string,
  options: { kind?: SpanKind; attributes?: Record<string, string | number | boolean>; startTime?: number } = {},
): Span | undefined {
  const tracer = serviceTracer();
  if (!tracer || !trace.getSpan(context.active())) return undefined;
  return tracer.startSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes, startTime: options.startTime });
}

export { SpanKind };
