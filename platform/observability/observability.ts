import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { trace } from '@opentelemetry/api';
import type { GraphQLSchema } from 'graphql';
import type { Config } from '../config/config.ts';
import { headerValue, pathOf } from '../http/http-server.ts';
import { REQUEST_ID_HEADER, requestIdFrom, runInRequestScope } from '../runtime/request-scope.ts';
import type { Logger } from './log.ts';
import { createMetricsRegistry, type Gauge, type MetricsRegistry } from './metrics.ts';
import { createTracing, endSpan, extractContext, SpanKind, type Tracing, withServiceTracer } from './tracing.ts';

/**
 * What the router and every subgraph share for observability (README
 * "Observability"): a metrics registry with the standard request metrics,
 * the OpenTelemetry tracing (only when OTEL_EXPORTER_OTLP_ENDPOINT is set),
 * the request scope every request runs in (its id, taken from `x-request-id`
 * when well-formed, and echoed; its server span as the active OpenTelemetry
 * context), and an Apollo plugin that measures operations and names the span.
 */
export type Observability = {
  readonly metrics: MetricsRegistry;
  /** Undefined without OTEL_EXPORTER_OTLP_ENDPOINT: no SDK, nothing is traced, nothing costs. */
  readonly tracing: Tracing | undefined;
  /** The HTTP server's request observer (createHttpServer's third argument). */
  observeRequest(req: IncomingMessage, res: ServerResponse, serve: () => Promise<void>): void;
  /** Counts operations, their latency by operation name and their errors by code; names the request span. */
  readonly plugin: ApolloServerPlugin<BaseContext>;
  /** The same for one operation answered outside Apollo Server (platform/graphql/direct-execution.ts); its clock starts now. */
  operationObserver(): OperationObserver;
  serveMetrics(res: ServerResponse): Promise<void>;
  close(): Promise<void>;
};

/** One operation's watcher: its span is named once the operation is known, its metrics counted with its answer. */
export type OperationObserver = {
  resolved(type: string, name: string | null | undefined): void;
  answered(type: string, name: string | null | undefined, errors: readonly { extensions?: { code?: unknown } }[]): void;
};

/** Routes other than these are counted as `other`, so scanning random paths cannot create series. */
const DEFAULT_ROUTES = ['/graphql', '/health', '/metrics', '/'];
/** Neither traced nor logged per request: probes and scrapes would drown the rest. */
const QUIET_ROUTES = new Set(['/health', '/metrics']);

export function createObservability(
  service: string,
  config: Config,
  log: Logger,
  options: { routes?: readonly string[]; routePrefixes?: readonly string[] } = {},
): Observability {
  const metrics = createMetricsRegistry();
  const tracing = createTracing(service, config, log);
  const tracer = tracing?.tracer;
  const routes = new Set([...DEFAULT_ROUTES, ...(options.routes ?? [])]);
  const routeOf = (path: string) =>
    routes.has(path) ? path : (options.routePrefixes?.find((prefix) => path.startsWith(`${prefix}/`)) ?? 'other');

  const httpRequests = metrics.counter('http_requests_total', 'HTTP requests answered, by route, method and status.', {
    labelNames: ['route', 'method', 'status'],
  });
  const operationLabels = { labelNames: ['operation', 'type'] };
  const operations = metrics.counter(
    'graphql_operations_total',
    'GraphQL operations answered, by operation name and type.',
    operationLabels,
  );
  const durations = metrics.histogram(
    'graphql_operation_duration_seconds',
    'GraphQL operation latency, by operation name and type.',
    operationLabels,
  );
  const errors = metrics.counter('graphql_errors_total', 'Errors in GraphQL responses, by extensions.code.', { labelNames: ['code'] });
  // Process and runtime metrics (process_resident_memory_bytes, nodejs_heap_used_bytes, process_uptime_seconds and
  // prom-client's defaults) come with every render from the one process registry (metrics.ts).

  const operationObserver = (): OperationObserver => {
    const started = performance.now();
    return {
      resolved(type, name) {
        // The operation's name and type only: never its variables, which may hold secrets.
        const span = tracer ? trace.getActiveSpan() : undefined;
        if (!span) return;
        span.setAttribute('graphql.operation.type', type);
        span.setAttribute('graphql.operation.name', operationLabel(name));
        span.updateName(`${type} ${operationLabel(name)}`);
      },
      answered(type, name, answerErrors) {
        const labels = { operation: operationLabel(name), type };
        operations.inc(labels);
        durations.observe((performance.now() - started) / 1000, labels);
        for (const error of answerErrors) errors.inc({ code: codeLabel(error.extensions?.code) });
      },
    };
  };

  return {
    metrics,
    tracing,
    operationObserver,
    observeRequest(req, res, serve) {
      const requestId = requestIdFrom(headerValue(req, REQUEST_ID_HEADER));
      res.setHeader(REQUEST_ID_HEADER, requestId);
      const route = routeOf(pathOf(req));
      const method = req.method ?? 'GET';
      const quiet = QUIET_ROUTES.has(route);
      // A caller's traceparent is continued; a malformed one starts a new trace (the propagator ignores it).
      const parent = tracer && !quiet ? extractContext(req.headers) : undefined;
      const span = parent
        ? tracer?.startSpan(
            `${method} ${route}`,
            { kind: SpanKind.SERVER, attributes: { 'http.request.method': method, 'http.route': route } },
            parent,
          )
        : undefined;
      const ids = span?.spanContext();
      const scope = { requestId, traceId: ids?.traceId, spanId: ids?.spanId };
      const started = performance.now();
      res.once('close', () => {
        const status = res.statusCode;
        httpRequests.inc({ route, method, status: String(status) });
        if (!quiet)
          runInRequestScope(scope, () => log.request?.({ route, method, status, durationMs: Math.round(performance.now() - started) }));
        if (span) {
          span.setAttribute('http.response.status_code', status);
          endSpan(span, status >= 500 ? new Error(`answered HTTP ${status}`) : undefined);
        }
      });
      const run = () => runInRequestScope(scope, () => void serve());
      // The request runs in its span's context: trace.getActiveSpan() finds it in resolvers, fetches, SQL and logs.
      if (tracer && span && parent) withServiceTracer(tracer, trace.setSpan(parent, span), run);
      else run();
    },
    plugin: {
      async requestDidStart() {
        const observer = operationObserver();
        return {
          async didResolveOperation(request) {
            if (request.operation) observer.resolved(request.operation.operation, request.operationName);
          },
          async willSendResponse(request) {
            const body = request.response.body;
            observer.answered(
              request.operation?.operation ?? 'unknown',
              request.operationName ?? request.request.operationName,
              body.kind === 'single' ? (body.singleResult.errors ?? []) : [],
            );
          },
        };
      },
    },
    async serveMetrics(res) {
      const text = await metrics.render();
      res.writeHead(200, { 'content-type': metrics.contentType, 'cache-control': 'no-store' });
      res.end(text);
    },
    async close() {
      await tracing?.close();
    },
  };
}

/** Operation names are the client's choice: only GraphQL names pass, the rest are counted together. */
function operationLabel(name: string | null | undefined): string {
  if (!name) return 'anonymous';
  return /^[_A-Za-z][_0-9A-Za-z]{0,99}$/.test(name) ? name : 'invalid';
}

/** An error code as a label: codes that are not SCREAMING_SNAKE names count as UNKNOWN. */
export function codeLabel(code: unknown): string {
  return typeof code === 'string' && /^[A-Z][A-Z0-9_]{0,49}$/.test(code) ? code : 'UNKNOWN';
}

/**
 * Keeps `gauge` at the number of subscriptions whose event stream is open:
 * each Subscription field's `subscribe` is wrapped so the stream it returns
 * counts itself in when it starts and out when it ends, however it ends
 * (the client completes, the socket closes, the stream fails).
 */
export function countOpenSubscriptions(schema: GraphQLSchema, gauge: Gauge): void {
  let open = 0;
  gauge.set(0);
  const change = (by: number) => {
    open += by;
    gauge.set(open);
  };
  for (const field of Object.values(schema.getSubscriptionType()?.getFields() ?? {})) {
    const subscribe = field.subscribe;
    if (!subscribe) continue;
    field.subscribe = async (source, args, context, info) => {
      const stream = await subscribe(source, args, context, info);
      if (!isAsyncIterable(stream)) return stream;
      change(1);
      return onStreamEnd(stream, () => change(-1));
    };
  }
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

function onStreamEnd<T>(stream: AsyncIterable<T>, ended: () => void): AsyncIterableIterator<T> {
  const iterator = stream[Symbol.asyncIterator]();
  let done = false;
  const end = () => {
    if (done) return;
    done = true;
    ended();
  };
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next() {
      try {
        const result = await iterator.next();
        if (result.done) end();
        return result;
      } catch (error) {
        end();
        throw error;
      }
    },
    async return(value?: unknown) {
      end();
      return (await iterator.return?.(value)) ?? { done: true, value: value as T };
    },
    async throw(error?: unknown) {
      end();
      if (iterator.throw) return iterator.throw(error);
      throw error;
    },
  };
}
