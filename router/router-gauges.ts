import type { MetricsRegistry } from '../platform/observability/metrics.ts';
import type { SubgraphResilience } from './subgraph-resilience.ts';
import type { SubscriptionServer } from './subscriptions/ws-server.ts';

/** What the gauges read: each mechanic's own counters, at scrape time. */
export type RouterGaugeSources = {
  requests: { readonly merged: number };
  queries: { readonly merged: number };
  subgraphs: { readonly shared: number; readonly queued: number };
  resilience: Pick<SubgraphResilience, 'breaker'>;
  subgraphNames: readonly string[];
  subscriptions: Pick<SubscriptionServer, 'subscribers' | 'upstreams' | 'upstreamSockets'>;
};

/**
 * The router's gauges read when scraped: merging (request-merging.ts,
 * operation-merging.ts, subgraph-http.ts), the subgraph admission queue and
 * circuit breakers, and the subscriptions open at both ends. Names are
 * stable: dashboards and alert rules (deploy/monitoring/) read them.
 */
export function registerRouterGauges(metrics: MetricsRegistry, sources: RouterGaugeSources): void {
  const { requests, queries, subgraphs, resilience, subscriptions } = sources;
  metrics.gaugeReader('graphql_subscriptions_open', 'Client subscriptions open on this router.', () => subscriptions.subscribers());
  metrics.gaugeReader(
    'router_requests_merged',
    'Query requests answered with an identical request’s answer, since start (request-merging.ts); they skip Apollo Server, so its per-operation metrics do not count them.',
    () => requests.merged,
  );
  metrics.gaugeReader(
    'router_queries_merged',
    'Queries answered by an identical query of the same caller already executing, since start (operation-merging.ts).',
    () => queries.merged,
  );
  metrics.gaugeReader(
    'router_subgraph_fetches_merged',
    'Subgraph fetches answered by an identical fetch already in flight, since start (subgraph-http.ts).',
    () => subgraphs.shared,
  );
  metrics.gaugeReader(
    'router_subgraph_fetches_queued',
    'Subgraph fetches waiting for a place under SUBGRAPH_MAX_IN_FLIGHT now (subgraph-admission.ts).',
    () => subgraphs.queued,
  );
  metrics.gaugeReader(
    'router_subgraph_circuit_open',
    "1 while a subgraph's circuit breaker is not closed (open, or half-open awaiting its trial fetch), else 0 (subgraph-resilience.ts).",
    () => sources.subgraphNames.map((name) => ({ labels: { subgraph: name }, value: resilience.breaker(name).state === 'closed' ? 0 : 1 })),
    { labelNames: ['subgraph'] },
  );
  metrics.gaugeReader('graphql_subscription_upstreams_open', 'Upstream subscriptions to subgraphs (one per shared group).', () =>
    subscriptions.upstreams(),
  );
  metrics.gaugeReader(
    'graphql_subscription_upstream_sockets_open',
    'Sockets to subgraphs carrying the upstream subscriptions (many subscriptions share one).',
    () => subscriptions.upstreamSockets(),
  );
}
