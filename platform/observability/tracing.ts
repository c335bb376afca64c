import { randomBytes } from 'node:crypto';
import type { Logger } from './log.ts';

/**
 * OpenTelemetry tracing without the OpenTelemetry SDK: W3C `traceparent`
 * propagation and an OTLP/HTTP JSON exporter, which is all our spans need
 * (a request span per server, a client span per subgraph fetch). Any OTLP
 * collector (the OpenTelemetry Collector, Jaeger, Tempo) accepts what it
 * sends at `<OTEL_EXPORTER_OTLP_ENDPOINT>/v1/traces`. Without the endpoint
 * there is no tracer at all, so the code paths that trace cost nothing.
 */
export const TRACEPARENT_HEADER = 'traceparent';

export type SpanContext = { traceId: string; spanId: string; sampled: boolean };
export type SpanKind = 'internal' | 'server' | 'client';
type AttributeValue = string | number | boolean;

export type Span = {
  readonly context: SpanContext;
  setName(name: string): void;
  setAttribute(key: string, value: AttributeValue | undefined): void;
  /** Ends the span; an error marks it failed. Ending twice is ignored. */
  end(error?: unknown): void;
  /** The `traceparent` header value that makes this span the parent of the receiver's span. */
  traceparent(): string;
};

export type Tracer = {
  startSpan(name: string, options: { kind: SpanKind; parent?: SpanContext; attributes?: Record<string, AttributeValue> }): Span;
  /** Sends every ended span now (also done on a timer). */
  flush(): Promise<void>;
  close(): Promise<void>;
};

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** A parent from a `traceparent` header; undefined when absent or malformed (then a new trace starts). */
export function parseTraceparent(header: string | undefined): SpanContext | undefined {
  const match = header === undefined ? null : TRACEPARENT.exec(header.trim());
  if (!match) return undefined;
  const [, traceId, spanId, flags] = match as unknown as [string, string, string, string];
  if (/^0+$/.test(traceId) || /^0+$/.test(spanId)) return undefined;
  return { traceId, spanId, sampled: (Number.parseInt(flags, 16) & 1) === 1 };
}

export function formatTraceparent(context: SpanContext): string {
  return `00-${context.traceId}-${context.spanId}-${context.sampled ? '01' : '00'}`;
}

const KIND_CODES: Record<SpanKind, number> = { internal: 1, server: 2, client: 3 };
const MAX_QUEUED_SPANS = 2048;

type FinishedSpan = {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: { key: string; value: Record<string, AttributeValue> }[];
  status: { code: number; message?: string };
};

export function createTracer(options: { service: string; endpoint: string; log: Logger; flushDelayMs?: number }): Tracer {
  const url = `${options.endpoint.replace(/\/+$/, '')}/v1/traces`;
  const flushDelayMs = options.flushDelayMs ?? 1000;
  let queue: FinishedSpan[] = [];
  let timer: NodeJS.Timeout | undefined;
  let sending: Promise<void> = Promise.resolve();
  let failing = false;

  const send = async (spans: FinishedSpan[]) => {
    const body = {
      resourceSpans: [
        {
          resource: {
            attributes: [
              { key: 'service.name', value: { stringValue: options.service } },
              { key: 'service.namespace', value: { stringValue: 'commerce-supergraph' } },
            ],
          },
          scopeSpans: [{ scope: { name: 'commerce-supergraph/kit' }, spans }],
        },
      ],
    };
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(5000),
      });
      await response.body?.cancel();
      if (!response.ok) throw new Error(`the collector answered HTTP ${response.status}`);
      failing = false;
    } catch (error) {
      // Once per outage: tracing must never flood the logs or fail a request.
      if (!failing) options.log.warn(`spans could not be exported to ${url}: ${(error as Error).message}`);
      failing = true;
    }
  };
  const flush = (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (queue.length > 0) {
      const spans = queue;
      queue = [];
      sending = sending.then(() => send(spans));
    }
    return sending;
  };
  const enqueue = (span: FinishedSpan) => {
    if (queue.length >= MAX_QUEUED_SPANS) return;
    queue.push(span);
    if (!timer) {
      timer = setTimeout(() => void flush(), flushDelayMs);
      timer.unref();
    }
  };

  return {
    startSpan(name, { kind, parent, attributes = {} }) {
      const context: SpanContext = {
        traceId: parent?.traceId ?? randomBytes(16).toString('hex'),
        spanId: randomBytes(8).toString('hex'),
        sampled: parent?.sampled ?? true,
      };
      const start = nowNanos();
      const values = new Map<string, AttributeValue>(Object.entries(attributes));
      let spanName = name;
      let ended = false;
      return {
        context,
        setName: (next) => {
          spanName = next;
        },
        setAttribute: (key, value) => {
          if (value !== undefined) values.set(key, value);
        },
        traceparent: () => formatTraceparent(context),
        end(error) {
          if (ended) return;
          ended = true;
          if (!context.sampled) return;
          enqueue({
            traceId: context.traceId,
            spanId: context.spanId,
            ...(parent ? { parentSpanId: parent.spanId } : {}),
            name: spanName,
            kind: KIND_CODES[kind],
            startTimeUnixNano: start,
            endTimeUnixNano: nowNanos(),
            attributes: [...values].map(([key, value]) => ({ key, value: attributeValue(value) })),
            status: error === undefined ? { code: 0 } : { code: 2, message: error instanceof Error ? error.message : String(error) },
          });
        },
      };
    },
    flush,
    close: flush,
  };
}

function attributeValue(value: AttributeValue): Record<string, AttributeValue> {
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  return Number.isInteger(value) ? { intValue: value } : { doubleValue: value };
}

function nowNanos(): string {
  return (BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000)) * 1000n).toString();
}
