/**
 * A domain event as it travels: written to the outbox in the transaction that
 * caused it, relayed to the bus after commit, delivered at least once.
 * Consumers deduplicate by `id`; `key` names the thing it is about (a SKU and
 * warehouse, an order) so a consumer can keep per-key order.
 */
export type DomainEvent<Data = unknown> = {
  id: string;
  type: string;
  source: string;
  key: string | null;
  occurredAt: string;
  data: Data;
};
