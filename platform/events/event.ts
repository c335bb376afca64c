/**
 * A domain event as it travels: written to the outbox in the transaction that
 * caused it, relayed to the bus after commit, delivered at least once.
 * Consumers deduplicate by `id`; `key` names the thing it is about (a SKU and
 * warehouse, an order) so a consumer can keep per-key order.
 *
 * `position` is the event's place in its outbox's publish order (1, 2, 3, ...
 * per subgraph database), given by the relay before it publishes. Live
 * subscribers resume from it (stream.ts); an event that never went through
 * a relay (a test publishing directly) has none.
 *
 * `traceContext` is the W3C trace context (`traceparent`, `tracestate`) of
 * the work that caused the event, stored with its outbox row and carried as
 * message headers on RabbitMQ, so a consumer's span joins the same trace
 * (traced-bus.ts). Absent when that work was not traced.
 */
export type DomainEvent<Data = unknown> = {
  id: string;
  type: string;
  source: string;
  key: string | null;
  occurredAt: string;
  data: Data;
  position?: number;
  traceContext?: Record<string, string>;
};
