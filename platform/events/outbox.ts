import type { EntityManager } from '../db/database.ts';
import { serviceTracer, traceHeaders } from '../observability/tracing.ts';
import { newId } from '../values/ids.ts';
import type { DomainEvent } from './event.ts';
import { type OutboxEvent, OutboxEventEntity } from './outbox.entity.ts';

/**
 * Writes an event into the outbox through `em`, which must be the
 * transaction's EntityManager: the event is committed exactly when the change
 * it describes is, so a crash can lose neither one without the other.
 */
export function recordEvent<Data>(em: EntityManager, source: string, type: string, key: string | null, data: Data): DomainEvent<Data> {
  const event: DomainEvent<Data> = { id: newId(), type, source, key, occurredAt: new Date().toISOString(), data };
  em.create(OutboxEventEntity, {
    id: event.id,
    type,
    source,
    eventKey: key,
    payload: JSON.stringify(data),
    occurredAt: new Date(event.occurredAt),
    publishedAt: null,
    position: null,
    traceContext: storedTraceContext(),
  });
  return event;
}

/** The W3C bound on `tracestate` is 512 characters; more than the column holds is not kept (the trace just ends here). */
const MAX_TRACE_CONTEXT = 1024;

function storedTraceContext(): string | null {
  if (!serviceTracer()) return null;
  const headers = traceHeaders();
  if (!headers.traceparent) return null;
  const text = JSON.stringify(headers);
  return text.length <= MAX_TRACE_CONTEXT ? text : JSON.stringify({ traceparent: headers.traceparent });
}

function traceContextOf(text: string | null | undefined): Record<string, string> | undefined {
  if (!text) return undefined;
  try {
    const value = JSON.parse(text) as Record<string, unknown>;
    const carrier: Record<string, string> = {};
    for (const key of ['traceparent', 'tracestate']) if (typeof value[key] === 'string') carrier[key] = value[key];
    return carrier.traceparent ? carrier : undefined;
  } catch {
    return undefined;
  }
}

/** The event an outbox row holds, with its position once the relay has numbered it. */
export function eventFromRow(row: OutboxEvent): DomainEvent {
  const event: DomainEvent = {
    id: row.id,
    type: row.type,
    source: row.source,
    key: row.eventKey ?? null,
    occurredAt: row.occurredAt.toISOString(),
    data: JSON.parse(row.payload) as unknown,
  };
  if (row.position !== null && row.position !== undefined) event.position = Number(row.position);
  const traceContext = traceContextOf(row.traceContext);
  if (traceContext) event.traceContext = traceContext;
  return event;
}

/** What a service records events through: the source is the subgraph, bound once per request. */
export type EventRecorder = {
  record<Data>(em: EntityManager, type: string, key: string | null, data: Data): DomainEvent<Data>;
};

export function eventRecorder(source: string): EventRecorder {
  return { record: (em, type, key, data) => recordEvent(em, source, type, key, data) };
}
