import { createMetricsRegistry } from '../observability/metrics.ts';
import { sampleValue } from '../testing/metrics.ts';
import { createInProcessBus, type EventBus, type WaitingMessages } from './bus.ts';
import { registerWaitingMessageGauges } from './waiting-messages.ts';

/** The broker's waiting messages at /metrics; the broker side itself is tested in rabbitmq-bus.spec.ts. */
describe('waiting-message gauges', () => {
  it('declares both names on the in-process bus, with no samples (nothing waits at a broker there)', async () => {
    const metrics = createMetricsRegistry();
    registerWaitingMessageGauges(metrics, createInProcessBus());
    const text = await metrics.render();
    expect(text).toContain('# TYPE events_dead_lettered_messages gauge');
    expect(text).toContain('# TYPE events_work_queue_ready_messages gauge');
    expect(text.split('\n').filter((line) => line.startsWith('events_'))).toEqual([]);
  });

  it("reports the broker's counts per work queue, asking it once per scrape, and nothing for a scrape it fails", async () => {
    const answers: (WaitingMessages | Error)[] = [
      {
        deadLettered: 3,
        workQueues: [
          { queue: 'orders.expired', ready: 7 },
          { queue: 'orders.paid', ready: 0 },
        ],
      },
      new Error('not connected to RabbitMQ'),
      { deadLettered: 0, workQueues: [] },
    ];
    let asked = 0;
    const bus: EventBus = {
      ...createInProcessBus(),
      async waitingMessages() {
        const answer = answers[asked++]!;
        if (answer instanceof Error) throw answer;
        return answer;
      },
    };
    const metrics = createMetricsRegistry();
    registerWaitingMessageGauges(metrics, bus);

    const first = await metrics.render();
    expect(asked).toBe(1);
    expect(sampleValue(first, 'events_dead_lettered_messages')).toBe(3);
    expect(sampleValue(first, 'events_work_queue_ready_messages', { queue: 'orders.expired' })).toBe(7);
    expect(sampleValue(first, 'events_work_queue_ready_messages', { queue: 'orders.paid' })).toBe(0);

    const failed = await metrics.render();
    expect(asked).toBe(2);
    expect(sampleValue(failed, 'events_dead_lettered_messages')).toBeUndefined();

    const recovered = await metrics.render();
    expect(asked).toBe(3);
    expect(sampleValue(recovered, 'events_dead_lettered_messages')).toBe(0);
  });
});
