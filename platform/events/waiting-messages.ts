import type { MetricsRegistry } from '../observability/metrics.ts';
import type { EventBus, WaitingMessages } from './bus.ts';

/**
 * The broker's side of event lag as gauges read at every scrape: messages
 * dead-lettered after five failed deliveries (someone must look at
 * them: each is an event a consumer never handled), and messages ready in each
 * work queue this process consumes (its consumers' lag). The in-process bus
 * has no broker, so they report nothing there; the names are declared anyway.
 */
export function registerWaitingMessageGauges(metrics: MetricsRegistry, bus: EventBus): void {
  // One broker round trip per scrape for both gauges: a scrape reads every gauge in the same tick, so the
  // second reader finds the first one's question pending; it is forgotten once answered.
  let pending: Promise<WaitingMessages> | null = null;
  const waiting = () => {
    if (!bus.waitingMessages) return null;
    pending ??= bus.waitingMessages().finally(() => {
      pending = null;
    });
    return pending;
  };
  metrics.gaugeReader(
    'events_dead_lettered_messages',
    'Events in the bus dead-letter queue: given up on after five failed deliveries.',
    async () => {
      const found = await waiting();
      return found ? found.deadLettered : [];
    },
  );
  metrics.gaugeReader(
    'events_work_queue_ready_messages',
    'Events waiting in each work queue this process consumes (consumer lag), by queue.',
    async () => {
      const found = await waiting();
      return found ? found.workQueues.map(({ queue, ready }) => ({ labels: { queue }, value: ready })) : [];
    },
    { labelNames: ['queue'] },
  );
}
