import type { Config } from '../platform/config/config.ts';
import type { Logger } from '../platform/observability/log.ts';
import { FETCH_BUCKETS } from '../platform/observability/metrics.ts';
import { createObservability, type Observability } from '../platform/observability/observability.ts';
import { endSpan, SpanKind, traceHeaders } from '../platform/observability/tracing.ts';

/**
 * One fetch the gateway makes to a subgraph, being measured: the W3C headers
 * (`traceparent`, `tracestate`) that make its span the parent of the
 * subgraph's request span (empty when not traced), and the call that ends it.
 */
export type ObservedFetch = { traceHeaders: Record<string, string>; done(error?: unknown): void };
export type FetchObserver = (subgraph: string) => ObservedFetch;

export type RouterObservability = Observability & {
  /** Measures each subgraph fetch (signed-data-source.ts): latency per subgraph, failures, a client span. */
  observeFetch: FetchObserver;
};

/**
 * The router's metrics beyond the kit's standard ones: subgraph fetch latency
 * and failures per subgraph, and (registered by server.ts, which owns the
 * subscription server) open subscriptions.
 */
export function createRouterObservability(config: Config, log: Logger): RouterObservability {
  const observability = createObservability('router', config, log, {
    routes: ['/.well-known/jwks.json'],
    routePrefixes: ['/callbacks', '/invoices', '/images', '/assets', '/graphiql'],
  });
  const fetches = observability.metrics.histogram('subgraph_fetch_duration_seconds', "Latency of the router's fetches to each subgraph.", {
    labelNames: ['subgraph'],
    buckets: FETCH_BUCKETS,
  });
  const failures = observability.metrics.counter(
    'subgraph_fetch_errors_total',
    'Subgraph fetches that failed (unreachable, HTTP error, timeout).',
    { labelNames: ['subgraph'] },
  );
  const tracer = observability.tracing?.tracer;
  return {
    ...observability,
    observeFetch(subgraph) {
      const started = performance.now();
      // A child of the active span: the request's, whose context the gateway's execution runs in.
      const span = tracer?.startSpan(`fetch ${subgraph}`, { kind: SpanKind.CLIENT, attributes: { 'graphql.subgraph': subgraph } });
      return {
        traceHeaders: span ? traceHeaders(span) : {},
        done(error) {
          fetches.observe((performance.now() - started) / 1000, { subgraph });
          if (error !== undefined) failures.inc({ subgraph });
          if (span) endSpan(span, error);
        },
      };
    },
  };
}
