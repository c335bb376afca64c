import type { Database } from '../db/database.ts';
import type { MetricsRegistry } from '../observability/metrics.ts';
import { OutboxEventEntity } from './outbox.entity.ts';

/**
 * The outbox's lag as gauges read at every scrape: how many committed events
 * wait for the relay, and how old the oldest of them is. A count that grows,
 * or an age past a few seconds, means the bus is unreachable or the relay stuck.
 */
export function registerOutboxLagGauges(metrics: MetricsRegistry, db: Database): void {
  metrics.gaugeReader('outbox_unpublished_events', 'Committed events not yet published to the bus.', () =>
    db.fork().count(OutboxEventEntity, { publishedAt: null }),
  );
  metrics.gaugeReader(
    'outbox_oldest_unpublished_age_seconds',
    'Age of the oldest event not yet published (0 when none wait).',
    async () => {
      const oldest = await db
        .fork()
        .findOne(OutboxEventEntity, { publishedAt: null }, { orderBy: { occurredAt: 'asc' }, fields: ['occurredAt'] });
      return oldest ? Math.max(0, (Date.now() - oldest.occurredAt.getTime()) / 1000) : 0;
    },
  );
}
