import { type Database, openDatabase } from '../db/database.ts';
import { createLogger } from '../observability/log.ts';
import { databaseTargets, reportSkippedMysql, type TestEnvironment, testEnvironment } from '../testing/databases.ts';
import { ProbeEntity } from '../testing/probe-entity.ts';
import { createInProcessBus, type EventBus } from './bus.ts';
import type { DomainEvent } from './event.ts';
import { OutboxEventEntity } from './outbox.entity.ts';
import { recordEvent } from './outbox.ts';
import { type OutboxRelay, startOutboxRelay } from './relay.ts';
import { eventStream, MAX_BUFFERED_EVENTS, REMEMBERED_EVENT_IDS, SubscriberTooSlowError } from './stream.ts';

const log = createLogger('events-test', { quiet: true });

describe.each(databaseTargets())('the outbox and its relay on $label', (target) => {
  let env: TestEnvironment;
  let db: Database;
  let bus: EventBus;
  let relay: OutboxRelay;
  let received: DomainEvent[];

  beforeAll(async () => {
    env = testEnvironment(target);
    db = await openDatabase(env.config, { name: 'stock', entities: [ProbeEntity], migrations: [] });
  });
  beforeEach(() => {
    received = [];
    bus = createInProcessBus(log);
    bus.subscribe('*', (event) => {
      received.push(event);
    });
    relay = startOutboxRelay(db, bus, { log, intervalMs: 60_000 });
  });
  afterEach(async () => {
    await relay.stop();
  });
  afterAll(async () => {
    await db?.close();
    await env?.cleanup();
  });

  it('publishes committed events once, in the order they were recorded', async () => {
    await db.transaction(db.fork(), async (em) => {
      for (let i = 0; i < 5; i++) recordEvent(em, 'stock', 'Counted', 'k', { i });
    });
    await relay.drain();
    expect(received.map((event) => (event.data as { i: number }).i)).toEqual([0, 1, 2, 3, 4]);
    expect(received[0]).toMatchObject({ type: 'Counted', source: 'stock', key: 'k', occurredAt: expect.any(String) });
    await relay.drain();
    expect(received).toHaveLength(5);
    expect(await db.fork().count(OutboxEventEntity, { publishedAt: null })).toBe(0);
  });

  it('never publishes the events of a transaction that rolled back', async () => {
    await expect(
      db.transaction(db.fork(), async (em) => {
        recordEvent(em, 'stock', 'Doomed', null, {});
        throw new Error('the change fails after its event was recorded');
      }),
    ).rejects.toThrow('the change fails');
    await relay.drain();
    expect(received).toEqual([]);
  });

  it('keeps events when the bus fails and publishes them on a later run', async () => {
    await relay.stop();
    const failing = createInProcessBus(log);
    const flaky = { ...failing, publish: async () => Promise.reject(new Error('broker away')) };
    const failures: string[] = [];
    const failureLog = { ...log, error: (message: string) => failures.push(message) };
    const failingRelay = startOutboxRelay(db, flaky, { log: failureLog, intervalMs: 60_000 });
    await db.transaction(db.fork(), async (em) => {
      recordEvent(em, 'stock', 'Kept', null, {});
    });
    await failingRelay.drain();
    await failingRelay.stop();
    expect(await db.fork().count(OutboxEventEntity, { publishedAt: null })).toBe(1);
    expect(failures[0]).toMatch(/outbox relay failed/);
    relay = startOutboxRelay(db, bus, { log, intervalMs: 60_000 });
    await relay.drain();
    expect(received.map((event) => event.type)).toEqual(['Kept']);
  });

  it('publishes every event of many concurrent transactions exactly once', async () => {
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        db.transaction(db.fork(), async (em) => {
          recordEvent(em, 'stock', 'Parallel', String(i), { i });
        }),
      ),
    );
    await relay.drain();
    const seen = received.map((event) => (event.data as { i: number }).i).sort((a, b) => a - b);
    expect(seen).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });
});

describe('the outbox and its relay on MySQL', () => {
  reportSkippedMysql();
});

describe('eventStream', () => {
  const event = (type: string, n: number): DomainEvent => ({ id: String(n), type, source: 't', key: null, occurredAt: '', data: { n } });

  it('yields matching events in order and unsubscribes when the consumer leaves', async () => {
    const bus = createInProcessBus();
    const stream = eventStream<{ n: number }>(bus, ['A'], (e) => e.data.n % 2 === 0);
    await bus.publish([event('A', 1), event('A', 2), event('B', 4), event('A', 6)]);
    expect((await stream.next()).value?.data).toEqual({ n: 2 });
    expect((await stream.next()).value?.data).toEqual({ n: 6 });
    const pending = stream.next();
    await bus.publish([event('A', 8)]);
    expect((await pending).value?.data).toEqual({ n: 8 });
    await stream.return?.();
    await bus.publish([event('A', 10)]);
    expect(await stream.next()).toEqual({ value: undefined, done: true });
  });

  it('yields an event the bus delivers twice only once, remembering a bounded number of ids', async () => {
    const bus = createInProcessBus();
    const stream = eventStream<{ n: number }>(bus, ['A']);
    await bus.publish([event('A', 1), event('A', 2), event('A', 1)]);
    await bus.publish([event('A', 2), event('A', 3)]);
    const seen = [];
    for (let i = 0; i < 3; i++) seen.push((await stream.next()).value?.data.n);
    expect(seen).toEqual([1, 2, 3]);
    // Past the memory, the oldest id is forgotten: the window is bounded, not the whole history.
    await bus.publish(Array.from({ length: REMEMBERED_EVENT_IDS }, (_, i) => event('A', 10 + i)));
    for (let i = 0; i < REMEMBERED_EVENT_IDS; i++) await stream.next();
    await bus.publish([event('A', 1), event('A', 10 + REMEMBERED_EVENT_IDS - 1)]);
    expect((await stream.next()).value?.data.n).toBe(1);
    const pending = stream.next();
    await bus.publish([event('A', 5000)]);
    expect((await pending).value?.data.n).toBe(5000);
  });

  it('ends a subscriber that falls too far behind instead of buffering without bound', async () => {
    const bus = createInProcessBus();
    const stream = eventStream(bus, ['A']);
    await bus.publish(Array.from({ length: MAX_BUFFERED_EVENTS + 1 }, (_, i) => event('A', i)));
    for (let i = 0; i < MAX_BUFFERED_EVENTS; i++) await stream.next();
    await expect(stream.next()).rejects.toThrow(SubscriberTooSlowError);
  });
});
