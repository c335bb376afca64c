import { createServer } from 'node:net';
import { Migration } from '@mikro-orm/migrations';
import { type Database, openDatabase } from '../db/database.ts';
import type { Logger } from '../observability/log.ts';
import {
  amqpUrlForTests,
  closeConnectionFromServer,
  deleteTopology,
  drainQueue,
  rabbitmqctlAvailable,
  reportSkippedAmqp,
  startTcpProxy,
  type TcpProxy,
  uniqueName,
  within,
} from '../testing/amqp.ts';
import { type TestEnvironment, testEnvironment } from '../testing/databases.ts';
import { eventually } from '../testing/eventually.ts';
import { ProbeEntity } from '../testing/probe-entity.ts';
import { newId } from '../values/ids.ts';
import type { DomainEvent } from './event.ts';
import { OutboxEventEntity } from './outbox.entity.ts';
import { recordEvent } from './outbox.ts';
import { handleOnce } from './processed-events.ts';
import { createRabbitMqBus, deadLetterName, type RabbitMqBus, type RabbitMqBusOptions } from './rabbitmq-bus.ts';
import { type OutboxRelay, startOutboxRelay } from './relay.ts';
import { resumedEventStream } from './stream.ts';

const amqpUrl = amqpUrlForTests();

/** Keeps what the code under test logs, for assertions, instead of printing expected failures. */
function recordingLog(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (message) => lines.push(`info: ${message}`),
    warn: (message) => lines.push(`warn: ${message}`),
    error: (message, error) => lines.push(`error: ${message}${error instanceof Error ? ` (${error.message})` : ''}`),
  };
}

/** A consumer's effect, counted: no key, so a second application would show as a second row. */
class EffectMigration extends Migration {
  override name = '0001-test-effect';
  override up(): void {
    this.addSql('create table effect (event_id varchar(36) not null, handled_by varchar(20) not null)');
  }
}

const numbered = (type: string, n: number): DomainEvent<{ n: number }> => ({
  id: newId(),
  type,
  source: 'test',
  key: String(n),
  occurredAt: new Date().toISOString(),
  data: { n },
});
const numberOf = (event: DomainEvent) => (event.data as { n: number }).n;
const range = (count: number) => Array.from({ length: count }, (_, i) => i);
const isIncreasing = (values: readonly number[]) => values.every((value, i) => i === 0 || value > values[i - 1]!);

if (amqpUrl) {
  describe('the RabbitMQ event bus', () => {
    const url = amqpUrl;
    const exchange = uniqueName('test.events');
    const queues: string[] = [];
    // The exchange is not the default, so the broker knows each work queue under the exchange's prefix.
    const declaredAs = (queue: string) => `${exchange}:${queue}`;
    const queue = (name: string) => {
      const unique = uniqueName(`test.${name}`);
      queues.push(declaredAs(unique));
      return unique;
    };
    let log: ReturnType<typeof recordingLog>;
    let buses: RabbitMqBus[];
    let relays: OutboxRelay[];
    let cleanups: (() => Promise<void>)[];

    const openBus = async (overrides: Partial<RabbitMqBusOptions> = {}) => {
      const bus = await createRabbitMqBus({
        url,
        service: 'test',
        exchange,
        log,
        reconnectDelay: { initialMs: 20, maxMs: 200 },
        publishTimeoutMs: 5_000,
        ...overrides,
      });
      buses.push(bus);
      return bus;
    };
    const openProxy = async () => {
      const proxy = await startTcpProxy(url);
      cleanups.push(() => proxy.close());
      return proxy;
    };
    const openTestDatabase = async (): Promise<Database> => {
      const env: TestEnvironment = testEnvironment({ label: 'SQLite', mysqlUrl: undefined });
      const db = await openDatabase(env.config, { name: 'stock', entities: [ProbeEntity], migrations: [EffectMigration] });
      cleanups.push(async () => {
        await db.close();
        await env.cleanup();
      });
      return db;
    };
    const startRelay = (db: Database, bus: RabbitMqBus, intervalMs: number): OutboxRelay => {
      const relay = startOutboxRelay(db, bus, { log, intervalMs });
      relays.push(relay);
      return relay;
    };
    const unpublished = (db: Database) => db.fork().count(OutboxEventEntity, { publishedAt: null });
    const recordNumbered = (db: Database, n: number) =>
      db.transaction(db.fork(), async (em) => recordEvent(em, 'stock', 'Counted', String(n), { n }));

    beforeEach(() => {
      log = recordingLog();
      buses = [];
      relays = [];
      cleanups = [];
    });
    afterEach(async () => {
      // Relays first (they publish to the buses), then the buses, then databases and proxies.
      for (const relay of relays) await relay.stop();
      for (const bus of buses) await bus.close();
      for (const cleanup of cleanups.reverse()) await cleanup();
    });
    afterAll(async () => {
      await deleteTopology(url, { queues: [...queues, deadLetterName(exchange)], exchanges: [exchange, deadLetterName(exchange)] });
    });

    it('delivers every event once per service to its work queue and to every broadcast subscriber, in publish order', async () => {
      const ordersQueue = queue('orders.placed');
      const invoicesQueue = queue('invoices.placed');
      const orders = [await openBus({ service: 'orders' }), await openBus({ service: 'orders' })];
      const invoices = await openBus({ service: 'invoices' });
      const publisher = await openBus({ service: 'stock' });
      const workByInstance: number[][] = [[], []];
      const broadcastByInstance: number[][] = [[], []];
      const invoiced: number[] = [];
      orders.forEach((bus, i) => {
        bus.subscribe(['Placed', 'Paid'], (event) => void workByInstance[i]!.push(numberOf(event)), { queue: ordersQueue });
        bus.subscribe(['Placed', 'Paid'], (event) => void broadcastByInstance[i]!.push(numberOf(event)));
      });
      invoices.subscribe(['Placed', 'Paid'], (event) => void invoiced.push(numberOf(event)), { queue: invoicesQueue });
      await within(Promise.all([...orders, invoices].map((bus) => bus.ready())), 'the consumers to be ready');

      const events = range(40).map((n) => numbered(n % 2 === 0 ? 'Placed' : 'Paid', n));
      for (let i = 0; i < events.length; i += 10) await publisher.publish(events.slice(i, i + 10));
      await publisher.publish([numbered('Unrelated', 99)]);

      const handledByOrders = () => workByInstance.flat();
      await eventually(
        () => handledByOrders().length >= 40 && invoiced.length >= 40 && broadcastByInstance.every((seen) => seen.length >= 40),
        'every consumer has all 40 events',
      );
      expect(handledByOrders().sort((a, b) => a - b)).toEqual(range(40));
      for (const seen of workByInstance) expect(isIncreasing(seen)).toBe(true);
      expect(invoiced).toEqual(range(40));
      for (const seen of broadcastByInstance) expect(seen).toEqual(range(40));
    });

    it('redelivers an event whose handler failed and stops once a delivery succeeds', async () => {
      const workQueue = queue('orders.flaky');
      const consumer = await openBus();
      const publisher = await openBus();
      const attempts: number[] = [];
      const handled: number[] = [];
      consumer.subscribe(
        ['Flaky'],
        (event) => {
          attempts.push(numberOf(event));
          if (attempts.filter((n) => n === numberOf(event)).length === 1) throw new Error('the first attempt fails');
          handled.push(numberOf(event));
        },
        { queue: workQueue },
      );
      await within(consumer.ready(), 'the consumer to be ready');
      await publisher.publish([numbered('Flaky', 1), numbered('Flaky', 2)]);
      await eventually(() => handled.length >= 2, 'both events were handled');
      expect(handled.sort()).toEqual([1, 2]);
      expect(attempts.sort()).toEqual([1, 1, 2, 2]);
      expect(log.lines.filter((line) => line.includes('failed (delivery 1 of 5); requeued'))).toHaveLength(2);
    });

    it('dead-letters an event after five failed deliveries instead of redelivering it forever', async () => {
      const workQueue = queue('orders.poisoned');
      const consumer = await openBus();
      const publisher = await openBus();
      let attempts = 0;
      const handled: string[] = [];
      consumer.subscribe(
        ['Poison', 'Fine'],
        (event) => {
          if (event.type === 'Poison') {
            attempts += 1;
            throw new Error('this event can never be handled');
          }
          handled.push(event.id);
        },
        { queue: workQueue },
      );
      await within(consumer.ready(), 'the consumer to be ready');
      const poison = numbered('Poison', 1);
      const fine = numbered('Fine', 2);
      await publisher.publish([poison, fine]);

      // At /metrics (events_dead_lettered_messages) before anyone drains it.
      await eventually(async () => (await consumer.waitingMessages()).deadLettered === 1, 'the dead letter to be counted');
      const dead: { body: string; headers: Record<string, unknown> }[] = [];
      await eventually(async () => {
        dead.push(...(await drainQueue(url, consumer.deadLetterQueue)));
        return dead.length > 0;
      }, 'the poison event reached the dead-letter queue');
      expect(dead).toHaveLength(1);
      expect(JSON.parse(dead[0]!.body)).toEqual(poison);
      const [death] = dead[0]!.headers['x-death'] as { queue: string; reason: string }[];
      expect(death).toMatchObject({ queue: declaredAs(workQueue), reason: 'delivery_limit' });
      // Once dead-lettered the message is no longer in the work queue: five deliveries, never a sixth.
      expect(attempts).toBe(5);
      await eventually(() => handled.length === 1, 'the good event behind it was handled');
      expect(handled).toEqual([fine.id]);
      expect(log.lines.filter((line) => line.includes('(delivery 5 of 5); dead-lettering it'))).toHaveLength(1);
      expect(await consumer.waitingMessages()).toEqual({ deadLettered: 0, workQueues: [{ queue: declaredAs(workQueue), ready: 0 }] });
    });

    it('counts the events waiting in its work queues while its consumers are behind, and none once they caught up', async () => {
      const workQueue = queue('orders.behind');
      const consumer = await openBus({ prefetch: 1 });
      const publisher = await openBus();
      let release = () => {};
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      const handled: number[] = [];
      consumer.subscribe(
        ['Behind'],
        async (event) => {
          await held;
          handled.push(numberOf(event));
        },
        { queue: workQueue },
      );
      await within(consumer.ready(), 'the consumer to be ready');
      expect(await consumer.waitingMessages()).toEqual({ deadLettered: 0, workQueues: [{ queue: declaredAs(workQueue), ready: 0 }] });
      await publisher.publish(range(10).map((n) => numbered('Behind', n)));
      // One is with the held handler (prefetch 1); the other nine wait in the queue.
      await eventually(async () => (await consumer.waitingMessages()).workQueues[0]?.ready === 9, 'nine events to wait');
      release();
      await eventually(() => handled.length === 10, 'every event to be handled');
      expect((await consumer.waitingMessages()).workQueues).toEqual([{ queue: declaredAs(workQueue), ready: 0 }]);
    });

    it('loses nothing when a consumer dies mid-handling: another instance gets the message and its effect happens once', async () => {
      const db = await openTestDatabase();
      const workQueue = queue('orders.effects');
      const proxy = await openProxy();
      const dying = await openBus({ url: proxy.url, service: 'orders' });
      const survivor = await openBus({ service: 'orders' });
      const publisher = await openBus();
      const consumerName = 'orders.effects';
      const effect = (instance: string) => async (event: DomainEvent) => {
        await handleOnce(db, consumerName, event, async (tx) => {
          await db.run(tx, 'insert into effect (event_id, handled_by) values (?, ?)', [event.id, instance]);
        });
      };
      let committedFirst!: () => void;
      const firstCommitted = new Promise<void>((resolve) => {
        committedFirst = resolve;
      });
      let releaseDying!: () => void;
      const dyingReleased = new Promise<void>((resolve) => {
        releaseDying = resolve;
      });
      const deliveredToDying: string[] = [];
      const deliveredToSurvivor: string[] = [];
      dying.subscribe(
        ['Effect'],
        async (event) => {
          deliveredToDying.push(event.id);
          await effect('dying')(event);
          // The effect is committed; the process dies before it acks.
          committedFirst();
          await dyingReleased;
        },
        { queue: workQueue },
      );
      await within(dying.ready(), 'the first consumer to be ready');
      const events = range(5).map((n) => numbered('Effect', n));
      await publisher.publish(events);
      await within(firstCommitted, 'the first consumer to commit its first effect');

      // Only now does the second instance join: the first holds every message unacked (prefetch 20).
      survivor.subscribe(
        ['Effect'],
        async (event) => {
          deliveredToSurvivor.push(event.id);
          await effect('survivor')(event);
        },
        { queue: workQueue },
      );
      await within(survivor.ready(), 'the second consumer to be ready');
      proxy.refuse();
      await eventually(() => deliveredToSurvivor.length >= 5, 'the survivor got all five events again');
      releaseDying();
      await dying.close();

      expect(deliveredToDying).toEqual([events[0]!.id]);
      expect(deliveredToSurvivor.sort()).toEqual(events.map((event) => event.id).sort());
      const rows = await db.execute<{ event_id: string; handled_by: string }>(db.fork(), 'select event_id, handled_by from effect');
      expect(rows.map((row) => row.event_id).sort()).toEqual(events.map((event) => event.id).sort());
      expect(rows.find((row) => row.event_id === events[0]!.id)?.handled_by).toBe('dying');
      const processed = await db.execute<{ n: number }>(db.fork(), 'select count(*) as n from processed_event where consumer = ?', [
        consumerName,
      ]);
      expect(Number(processed[0]?.n)).toBe(5);
    });

    (rabbitmqctlAvailable() ? it : it.skip)(
      'reconnects and consumes again after the broker closes its connection (rabbitmqctl close_connection)',
      async () => {
        const workQueue = queue('orders.after-close');
        const consumer = await openBus();
        const publisher = await openBus();
        const work: number[] = [];
        const broadcast: number[] = [];
        consumer.subscribe(['Ping'], (event) => void work.push(numberOf(event)), { queue: workQueue });
        consumer.subscribe(['Ping'], (event) => void broadcast.push(numberOf(event)));
        await within(consumer.ready(), 'the consumer to be ready');
        await publisher.publish([numbered('Ping', 1)]);
        await eventually(() => work.length === 1 && broadcast.length === 1, 'the first event arrived');

        expect(await closeConnectionFromServer(consumer.connectionName)).toBe(1);
        await eventually(
          () => log.lines.some((line) => line.startsWith(`warn: RabbitMQ connection ${consumer.connectionName} lost`)),
          'the bus saw the close',
        );
        await within(consumer.ready(), 'the consumer to reconnect', 10_000);
        await publisher.publish([numbered('Ping', 2)]);
        await eventually(() => work.length === 2 && broadcast.length === 2, 'the second event arrived');
        expect(work).toEqual([1, 2]);
        expect(broadcast).toEqual([1, 2]);
      },
    );

    it('delivers every event the relay publishes while the connection keeps dropping: at least once, exactly the recorded set', async () => {
      const db = await openTestDatabase();
      const workQueue = queue('orders.counted');
      const proxy = await openProxy();
      const publisher = await openBus({ url: proxy.url, service: 'stock' });
      const consumer = await openBus({ service: 'orders' });
      const received: string[] = [];
      consumer.subscribe(['Counted'], (event) => void received.push(event.id), { queue: workQueue });
      await within(consumer.ready(), 'the consumer to be ready');
      startRelay(db, publisher, 20);

      const recorded: string[] = [];
      for (let n = 0; n < 60; n++) {
        if (n === 15 || n === 30 || n === 45) {
          // Cut a live connection each time, with the relay publishing what was just committed.
          await eventually(() => publisher.connected, 'the publisher is connected again');
          proxy.drop();
          recorded.push((await recordNumbered(db, n)).id);
          await eventually(() => !publisher.connected, 'the publisher noticed the cut');
          continue;
        }
        recorded.push((await recordNumbered(db, n)).id);
      }
      await eventually(() => new Set(received).size >= recorded.length, 'every recorded event arrived', { timeoutMs: 15_000 });
      expect(new Set(received)).toEqual(new Set(recorded));
      await eventually(async () => (await unpublished(db)) === 0, 'the relay marked every row published');
      expect(log.lines.filter((line) => line.includes(`connection ${publisher.connectionName} lost`))).toHaveLength(3);
    });

    it('publishes, from a new relay, the events a relay committed but stopped before publishing', async () => {
      const db = await openTestDatabase();
      const workQueue = queue('orders.restart');
      const publisher = await openBus({ service: 'stock' });
      const consumer = await openBus({ service: 'orders' });
      const received: number[] = [];
      consumer.subscribe(['Counted'], (event) => void received.push(numberOf(event)), { queue: workQueue });
      await within(consumer.ready(), 'the consumer to be ready');

      const first = startOutboxRelay(db, publisher, { log, intervalMs: 60_000 });
      await first.stop();
      await db.transaction(db.fork(), async (em) => {
        for (let n = 0; n < 10; n++) recordEvent(em, 'stock', 'Counted', String(n), { n });
      });
      expect(await unpublished(db)).toBe(10);

      const second = startRelay(db, publisher, 60_000);
      await second.drain();
      expect(await unpublished(db)).toBe(0);
      await eventually(() => received.length >= 10, 'all ten events arrived');
      expect(received).toEqual(range(10));
    });

    it("carries each event's outbox position, and a stream resuming over RabbitMQ gets what it missed, then live, once", async () => {
      const db = await openTestDatabase();
      const publisher = await openBus({ service: 'stock' });
      const subscriberBus = await openBus({ service: 'router' });
      const positions: number[] = [];
      subscriberBus.subscribe(['Counted'], (event) => void positions.push(event.position!));
      await within(subscriberBus.ready(), 'the broadcast subscriber to be ready');
      const relay = startRelay(db, publisher, 60_000);
      for (let n = 0; n < 5; n++) await recordNumbered(db, n);
      await relay.drain();
      await eventually(() => positions.length >= 5, 'the five events arrived');
      expect(positions).toEqual([1, 2, 3, 4, 5]);

      // A bus of its own, whose queue is not bound to the type yet: the stream must wait for the binding itself.
      const resumingBus = await openBus({ service: 'router' });
      const stream = await resumedEventStream<{ n: number }>(resumingBus, ['Counted'], (event) => event.data.n % 2 === 0, {
        after: 2,
        db,
        window: { seconds: 600, events: 100 },
      });
      for (let n = 5; n < 8; n++) await recordNumbered(db, n);
      await relay.drain();
      const seen: [number, number][] = [];
      for (let i = 0; i < 3; i++) {
        const event = (await within(stream.next(), 'the next event')).value!;
        seen.push([event.position!, event.data.n]);
      }
      await stream.return?.();
      expect(seen).toEqual([
        [3, 2],
        [5, 4],
        [7, 6],
      ]);
    });

    it('rejects publishes at once while the broker is unreachable, and the relay keeps the rows until it is back', async () => {
      const db = await openTestDatabase();
      const workQueue = queue('orders.outage');
      const proxy: TcpProxy = await openProxy();
      const publisher = await openBus({ url: proxy.url, service: 'stock' });
      const consumer = await openBus({ service: 'orders' });
      const received: number[] = [];
      consumer.subscribe(['Counted'], (event) => void received.push(numberOf(event)), { queue: workQueue });
      await within(consumer.ready(), 'the consumer to be ready');
      const relay = startRelay(db, publisher, 20);

      proxy.refuse();
      await eventually(() => !publisher.connected, 'the publisher noticed the outage');
      await expect(within(publisher.publish([numbered('Counted', -1)]), 'a publish during the outage', 1_000)).rejects.toThrow(
        /not connected to RabbitMQ/,
      );
      for (let n = 0; n < 5; n++) await recordNumbered(db, n);
      await relay.drain();
      expect(await unpublished(db)).toBe(5);
      expect(log.lines.some((line) => line.startsWith('error: outbox relay failed'))).toBe(true);

      proxy.accept();
      await eventually(() => received.length >= 5, 'the kept events arrived after the outage', { timeoutMs: 10_000 });
      expect(received.sort()).toEqual(range(5));
      await eventually(async () => (await unpublished(db)) === 0, 'the relay marked the kept rows published');
    });

    it('stops reconnecting once closed, and rejects publishes after that', async () => {
      const proxy = await openProxy();
      const bus = await openBus({ url: proxy.url });
      proxy.refuse();
      await eventually(() => !bus.connected, 'the bus noticed the outage');
      await within(bus.close(), 'close during an outage');
      proxy.accept();
      await expect(bus.publish([numbered('Late', 1)])).rejects.toThrow(/closed/);
      await expect(bus.ready()).rejects.toThrow(/closed/);
      expect(bus.connected).toBe(false);
    });
  });
}

describe('the RabbitMQ event bus', () => {
  reportSkippedAmqp();

  it('refuses to start against a broker it cannot reach, with an error that names the URL but not the password', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : 1));
      });
    });
    const attempt = createRabbitMqBus({ url: `amqp://guest:a-secret@127.0.0.1:${closedPort}`, service: 'test', log: recordingLog() });
    await expect(within(attempt, 'the connection attempt to fail')).rejects.toThrow(
      new RegExp(`^cannot connect to RabbitMQ at amqp://guest:\\*\\*\\*@127\\.0\\.0\\.1:${closedPort}.*ECONNREFUSED`),
    );
    await expect(attempt).rejects.not.toThrow(/a-secret/);
  });
});
