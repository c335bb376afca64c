import { amqpUrlForTests, deleteTopology, drainQueue, reportSkippedAmqp, uniqueName } from '../../testing/amqp.ts';
import { eventually } from '../../testing/eventually.ts';
import type { DomainEvent } from '../event.ts';
import { BroadcastSubscribers } from './broadcast.ts';
import { publishConfirmed } from './publisher.ts';
import { RabbitMqSession } from './session.ts';
import { type BusSettings, busSettings } from './settings.ts';
import { patternsOf } from './support.ts';
import { WorkQueueConsumers } from './work-queues.ts';

const amqpUrl = amqpUrlForTests();

const event = (type: string, n: number): DomainEvent => ({
  id: `${type}-${n}-${uniqueName('id')}`,
  type,
  source: 'test',
  key: String(n),
  occurredAt: new Date().toISOString(),
  data: { n },
});
const numberOf = (event: DomainEvent) => (event.data as { n: number }).n;

if (amqpUrl) {
  // The two consumer kinds, each on a session of its own, fed by the publisher.
  describe('the RabbitMQ consumers', () => {
    const exchange = uniqueName('test.consumers');
    const queues: string[] = [];
    const errors: string[] = [];
    const log = { info: () => undefined, warn: () => undefined, error: (message: string) => errors.push(message) };
    let settings: BusSettings;
    let link: RabbitMqSession;
    let work: WorkQueueConsumers;
    let broadcast: BroadcastSubscribers;

    beforeEach(async () => {
      errors.length = 0;
      settings = busSettings({ url: amqpUrl, service: 'test', exchange, log, maxDeliveries: 3 });
      link = new RabbitMqSession(settings, {
        connected: () => undefined,
        lost: (session) => {
          work.sessionLost(session);
          broadcast.sessionLost(session);
        },
      });
      work = new WorkQueueConsumers(settings, link);
      broadcast = new BroadcastSubscribers(settings, link);
      await link.start();
    });
    afterEach(async () => {
      const session = link.stop();
      await Promise.all([work.closeAll(), broadcast.closeAll(session)]);
      await session?.connection.close().catch(() => undefined);
    });
    afterAll(() => deleteTopology(amqpUrl, { queues: [...queues, `${exchange}.dead`], exchanges: [exchange, `${exchange}.dead`] }));

    const publish = (events: DomainEvent[]) =>
      publishConfirmed(link.current!.publisher, { exchange, appId: 'test', timeoutMs: 5_000 }, events);
    const workQueue = () => {
      const name = uniqueName('test.work');
      queues.push(name);
      return name;
    };

    it('work queue: hands each event to one consumer of the queue, in order, and a failed one again until it succeeds', async () => {
      const queue = workQueue();
      const seen: number[] = [];
      let failuresLeft = 1;
      work.add(queue, patternsOf(['Counted']), async (received) => {
        seen.push(numberOf(received));
        if (numberOf(received) === 2 && failuresLeft-- > 0) throw new Error('not yet');
      });
      await work.sync(link.current!);
      await publish([event('Counted', 1), event('Counted', 2), event('Other', 9)]);
      await eventually(() => seen.filter((n) => n === 2).length === 2, 'the failed event came back');
      expect(seen.filter((n) => n === 1)).toEqual([1]);
      expect(seen).not.toContain(9);
      expect(errors.some((line) => line.includes('(delivery 1 of 3); requeued'))).toBe(true);
    });

    it('work queue: dead-letters an event after maxDeliveries failures, and a message that is no event at once', async () => {
      const queue = workQueue();
      let attempts = 0;
      work.add(queue, patternsOf(['Poison']), async () => {
        attempts += 1;
        throw new Error('always');
      });
      await work.sync(link.current!);
      const poison = event('Poison', 1);
      await publish([poison]);
      link.current!.publisher.publish(exchange, 'Poison', Buffer.from('not an event'));
      const dead: string[] = [];
      await eventually(async () => {
        dead.push(...(await drainQueue(amqpUrl, `${exchange}.dead`)).map((message) => message.body));
        return dead.length === 2;
      }, 'both messages are dead-lettered');
      expect(dead.sort()).toEqual(['not an event', JSON.stringify(poison)].sort());
      expect(attempts).toBe(3);
    });

    it('broadcast: gives every matching subscriber of this process each event, even when another subscriber fails', async () => {
      const first: number[] = [];
      const second: number[] = [];
      const other: number[] = [];
      broadcast.add(['Counted'], patternsOf(['Counted']), async (received) => {
        first.push(numberOf(received));
        throw new Error('a failing subscriber');
      });
      broadcast.add('*', patternsOf('*'), async (received) => {
        if (received.type === 'Counted') second.push(numberOf(received));
      });
      broadcast.add(['Other'], patternsOf(['Other']), async (received) => {
        other.push(numberOf(received));
      });
      await broadcast.sync(link.current!);
      await publish([event('Counted', 1), event('Counted', 2), event('Other', 3)]);
      await eventually(() => second.length === 2 && other.length === 1, 'every subscriber had its events');
      expect(first).toEqual([1, 2]);
      expect(second).toEqual([1, 2]);
      expect(other).toEqual([3]);
      expect(errors.filter((line) => line.startsWith('handler of Counted'))).toHaveLength(2);
    });

    it('broadcast: a removed subscriber gets nothing more', async () => {
      const seen: number[] = [];
      const marker: number[] = [];
      const remove = broadcast.add(['Counted'], patternsOf(['Counted']), async (received) => {
        seen.push(numberOf(received));
      });
      broadcast.add(['Marker'], patternsOf(['Marker']), async (received) => {
        marker.push(numberOf(received));
      });
      await broadcast.sync(link.current!);
      await publish([event('Counted', 1)]);
      await eventually(() => seen.length === 1, 'the first event arrived');
      remove();
      await publish([event('Counted', 2), event('Marker', 3)]);
      await eventually(() => marker.length === 1, 'the marker after it arrived');
      expect(seen).toEqual([1]);
    });
  });
}

describe('the RabbitMQ consumers', () => reportSkippedAmqp());
