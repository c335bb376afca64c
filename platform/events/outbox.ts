import type { EntityManager } from '../db/database.ts';
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
  });
  return event;
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
  return event;
}

/** What a service records events through: the source is the subgraph, bound once per request. */
export type EventRecorder = {
  record<Data>(em: EntityManager, type: string, key: string | null, data: Data): DomainEvent<Data>;
};

export function eventRecorder(source: string): EventRecorder {
  return { record: (em, type, key, data) => recordEvent(em, source, type, key, data) };
}
