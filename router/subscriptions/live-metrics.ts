import type { Tracer } from '@opentelemetry/api';
import type { MetricsRegistry } from '../../platform/observability/metrics.ts';
import { endSpan, SpanKind } from '../../platform/observability/tracing.ts';

/** The router's subscription transports, as metric labels. */
/** `webhook`: the router's own subscriptions for partners' webhooks (router/webhooks/). */
export type LiveTransport = 'graphql-ws' | 'sse' | 'multipart' | 'webhook';
export const LIVE_TRANSPORTS: readonly LiveTransport[] = ['graphql-ws', 'sse', 'multipart', 'webhook'];

/** How a refusal names each transport to its caller ("this socket serves subscriptions"). */
export const TRANSPORT_WORDS: Record<LiveTransport, string> = {
  'graphql-ws': 'socket',
  sse: 'event stream',
  multipart: 'multipart stream',
  webhook: 'webhook',
};

/** One event completed for a shared group and handed to its subscribers. */
export type EventBatch = { end(subscribers: number, error?: unknown): void };

/** What the subscription service reports as live data flows (subscription-service.ts). */
export type LiveObserver = {
  joined(transport: LiveTransport): void;
  left(transport: LiveTransport): void;
  /** One result taken by a subscriber's transport. */
  delivered(transport: LiveTransport): void;
  /** A subscriber asked to resume after an event id: its missed events are replayed. */
  resumed(transport: LiveTransport): void;
  /** A resume could not be served (the replay window was exceeded): the client was told RESYNC_REQUIRED. */
  resyncRequired(transport: LiveTransport): void;
  /** Starts the measure of one event's batch: its completion and its hand-over to every subscriber of the group. */
  batch(subgraph: string, eventId: string | undefined): EventBatch;
};

export const QUIET_OBSERVER: LiveObserver = {
  joined: () => undefined,
  left: () => undefined,
  delivered: () => undefined,
  resumed: () => undefined,
  resyncRequired: () => undefined,
  batch: () => ({ end: () => undefined }),
};

/**
 * Live data's metrics and spans: subscribers open per transport, results
 * delivered per transport, resumes and resyncs, and (when tracing is on) a
 * span per event batch saying how many subscribers it reached.
 */
export function liveMetrics(metrics: MetricsRegistry, tracer: Tracer | undefined): LiveObserver {
  const open = new Map<LiveTransport, number>(LIVE_TRANSPORTS.map((transport) => [transport, 0]));
  metrics.gaugeReader(
    'graphql_subscribers_open',
    'Client subscriptions open on this router, per transport.',
    () => LIVE_TRANSPORTS.map((transport) => ({ labels: { transport }, value: open.get(transport) ?? 0 })),
    { labelNames: ['transport'] },
  );
  const delivered = metrics.counter(
    'graphql_subscription_events_delivered_total',
    'Subscription results handed to clients, per transport.',
    { labelNames: ['transport'] },
  );
  const resumes = metrics.counter(
    'graphql_subscription_resumes_total',
    'Subscriptions that named the last event id they saw and had the events after it replayed.',
    { labelNames: ['transport'] },
  );
  const resyncs = metrics.counter(
    'graphql_subscription_resyncs_total',
    'Resumes refused with RESYNC_REQUIRED: the missed events were past the replay window.',
    { labelNames: ['transport'] },
  );
  const batches = metrics.histogram(
    'graphql_subscription_event_batch_seconds',
    'Time from an upstream event to its completed result handed to every subscriber of its group.',
    { labelNames: ['subgraph'] },
  );
  return {
    joined: (transport) => open.set(transport, (open.get(transport) ?? 0) + 1),
    left: (transport) => open.set(transport, Math.max(0, (open.get(transport) ?? 0) - 1)),
    delivered: (transport) => delivered.inc({ transport }),
    resumed: (transport) => resumes.inc({ transport }),
    resyncRequired: (transport) => resyncs.inc({ transport }),
    batch(subgraph, eventId) {
      const started = performance.now();
      const span = tracer?.startSpan(`subscription event ${subgraph}`, {
        kind: SpanKind.INTERNAL,
        attributes: { 'graphql.subgraph': subgraph, ...(eventId === undefined ? {} : { 'graphql.subscription.event_id': eventId }) },
      });
      return {
        end(subscribers, error) {
          batches.observe((performance.now() - started) / 1000, { subgraph });
          if (!span) return;
          span.setAttribute('graphql.subscription.subscribers', subscribers);
          endSpan(span, error);
        },
      };
    },
  };
}
