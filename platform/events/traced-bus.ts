import { type Span, type Tracer, trace } from '@opentelemetry/api';
import { endSpan, extractContext, SpanKind, traceHeaders, withServiceTracer } from '../observability/tracing.ts';
import type { EventBus, EventHandler } from './bus.ts';
import type { DomainEvent } from './event.ts';

/**
 * The trace across the bus (docs/architecture.md, observability). The outbox
 * row keeps the trace context of the work that wrote it (outbox.ts); the
 * relay publishes each event under a producer span that is a child of that
 * context and sends the producer span's context with the event (RabbitMQ
 * message headers, or the event object on the in-process bus); each consumer
 * handles it under a consumer span, child of the producer, so the points a
 * member earns or the invoice of a refund show in the trace of the request
 * that caused them. Without a tracer both are the bus itself, untouched.
 */

/** `publish` of `events`, each under a producer span carrying its stored trace context on. */
export async function publishTraced(
  tracer: Tracer | undefined,
  events: readonly DomainEvent[],
  publish: (events: readonly DomainEvent[]) => Promise<void>,
): Promise<void> {
  if (!tracer) return publish(events);
  const spans: Span[] = [];
  const traced = events.map((event) => {
    if (!event.traceContext) return event;
    const span = tracer.startSpan(
      `publish ${event.type}`,
      { kind: SpanKind.PRODUCER, attributes: messagingAttributes(event, event.source) },
      extractContext(event.traceContext),
    );
    spans.push(span);
    return { ...event, traceContext: traceHeaders(span) };
  });
  try {
    await publish(traced);
  } catch (error) {
    for (const span of spans) endSpan(span, error);
    throw error;
  }
  for (const span of spans) endSpan(span);
}

/**
 * The bus a service's own consumers subscribe through: each work-queue
 * handler runs under a consumer span in the service's tracing context, so its
 * SQL statements and the events it records join the trace too. Broadcast
 * subscriptions (live updates to GraphQL subscribers) are not wrapped: one
 * event fans out to many, and the router already spans each batch.
 */
export function tracedBus(bus: EventBus, tracer: Tracer | undefined, service: string): EventBus {
  if (!tracer) return bus;
  const consume =
    (queue: string, handler: EventHandler): EventHandler =>
    async (event) => {
      const parent = extractContext(event.traceContext ?? {});
      const span = tracer.startSpan(
        `process ${event.type}`,
        { kind: SpanKind.CONSUMER, attributes: { ...messagingAttributes(event, service), 'messaging.destination.name': queue } },
        parent,
      );
      try {
        await withServiceTracer(tracer, trace.setSpan(parent, span), () => handler(event));
        endSpan(span);
      } catch (error) {
        endSpan(span, error);
        throw error;
      }
    };
  return {
    publish: (events) => bus.publish(events),
    subscribe: (types, handler, options) =>
      bus.subscribe(types, options?.queue === undefined ? handler : consume(options.queue, handler), options),
    ...(bus.ready ? { ready: () => bus.ready!() } : {}),
    ...(bus.waitingMessages ? { waitingMessages: () => bus.waitingMessages!() } : {}),
    close: () => bus.close(),
  };
}

function messagingAttributes(event: DomainEvent, service: string): Record<string, string> {
  return { 'messaging.message.id': event.id, 'messaging.operation.name': event.type, 'commerce.service': service };
}
