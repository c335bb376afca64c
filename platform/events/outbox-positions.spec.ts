import { GraphQLError } from 'graphql';
import { type Database, openDatabase } from '../db/database.ts';
import { createLogger } from '../observability/log.ts';
import { databaseTargets, reportSkippedMysql, type TestEnvironment, testEnvironment } from '../testing/databases.ts';
import { ProbeEntity } from '../testing/probe-entity.ts';
import { createInProcessBus, type EventBus } from './bus.ts';
import type { DomainEvent } from './event.ts';
import { OutboxEventEntity } from './outbox.entity.ts';
import { recordEvent } from './outbox.ts';
import { newestPosition } from './outbox-positions.ts';
import { type OutboxRelay, startOutboxRelay } from './relay.ts';
import type { ReplayWindow } from './replay.ts';
import { eventStream, type ResumeFrom, resumedEventStream } from './stream.ts';

const log = createLogger('positions-test', { quiet: true });
const WIDE: ReplayWindow = { seconds: 600, events: 10_000 };
type Counted = { n: number };
const numberOf = (event: DomainEvent) => (event.data as Counted).n;

/** Takes `count` events from a stream; a stream that stalls fails the test by its timeout, never by a guessed pause. */
async function take<T>(stream: AsyncIterator<T>, count: number): Promise<T[]> {
  const values: T[] = [];
  for (let i = 0; i < count; i++) {
    const step = await stream.next();
    if (step.done) break;
    values.push(step.value);
  }
  return values;
}

async function codeOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    return error instanceof GraphQLError ? error.extensions.code : error;
  }
}

describe.each(databaseTargets())('outbox positions and resuming streams on $label', (target) => {
  let env: TestEnvironment;
  let db: Database;
  let bus: EventBus;
  let relay: OutboxRelay;
  let published: DomainEvent[];
  let counter = 0;

  /** Records one event per type given, each in its own transaction, numbered in order. */
  const record = async (...types: string[]) => {
    for (const type of types) {
      const n = counter++;
      await db.transaction(db.fork(), async (em) => {
        recordEvent(em, 'stock', type, String(n), { n });
      });
    }
  };
  const recordAndPublish = async (...types: string[]) => {
    await record(...types);
    await relay.drain();
  };
  const resume = (after: number, options: Partial<ResumeFrom> = {}) =>
    resumedEventStream<Counted>(bus, ['A', 'B'], (event) => event.type === 'A', { after, db, window: WIDE, ...options });

  beforeAll(async () => {
    env = testEnvironment(target);
    db = await openDatabase(env.config, { name: 'stock', entities: [ProbeEntity], migrations: [] });
  });
  beforeEach(async () => {
    published = [];
    bus = createInProcessBus(log);
    bus.subscribe('*', (event) => {
      published.push(event);
    });
    relay = startOutboxRelay(db, bus, { log, intervalMs: 60_000 });
    await db.transaction(db.fork(), (em) => em.nativeDelete(OutboxEventEntity, {}));
  });
  afterEach(async () => {
    await relay.stop();
  });
  afterAll(async () => {
    await db?.close();
    await env?.cleanup();
  });

  it('numbers events 1, 2, 3, ... in the order the relay publishes them, each once', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        db.transaction(db.fork(), async (em) => {
          recordEvent(em, 'stock', 'A', String(i), { n: i });
        }),
      ),
    );
    await relay.drain();
    await recordAndPublish('A', 'B');
    expect(published.map((event) => event.position)).toEqual(Array.from({ length: 22 }, (_, i) => i + 1));
    const rows = await db.fork().find(OutboxEventEntity, {}, { orderBy: { position: 'asc' } });
    expect(rows.map((row) => [row.id, row.position])).toEqual(published.map((event) => [event.id, event.position]));
    expect(await newestPosition(db)).toBe(22);
  });

  it('keeps the position of an event published again after a failed publish, and numbers later events after it', async () => {
    await relay.stop();
    const broken = { ...createInProcessBus(log), publish: () => Promise.reject(new Error('broker away')) };
    const failing = startOutboxRelay(db, broken, { log: { ...log, error: () => undefined }, intervalMs: 60_000 });
    await record('A', 'A');
    await failing.drain();
    await failing.stop();
    const numbered = await db.fork().find(OutboxEventEntity, {}, { orderBy: { position: 'asc' } });
    expect(numbered.map((row) => [row.position, row.publishedAt])).toEqual([
      [1, null],
      [2, null],
    ]);

    relay = startOutboxRelay(db, bus, { log, intervalMs: 60_000 });
    await record('A');
    await relay.drain();
    expect(published.map((event) => [event.id, event.position])).toEqual([
      [numbered[0]!.id, 1],
      [numbered[1]!.id, 2],
      [expect.any(String), 3],
    ]);
  });

  it('resumes after a position with exactly the later events that pass the filter, in order, once, then live ones', async () => {
    await recordAndPublish('A', 'B', 'A', 'A', 'B', 'A');
    const after = published[2]!.position!;
    const stream = await resume(after);
    await recordAndPublish('B', 'A');
    const events = await take(stream, 3);
    const expected = published.filter((event) => event.type === 'A' && event.position! > after);
    expect(expected.map((event) => event.position)).toEqual([4, 6, 8]);
    expect(events.map((event) => event.position)).toEqual(expected.map((event) => event.position));
    expect(events.map((event) => event.id)).toEqual(expected.map((event) => event.id));
    // Nothing more: the next event is one published after this point.
    const next = stream.next();
    await recordAndPublish('A');
    expect((await next).value?.position).toBe(published.at(-1)!.position);
    await stream.return?.();
  });

  it('loses and repeats nothing published while it reads the outbox', async () => {
    await recordAndPublish('A', 'A', 'A');
    // A database whose newest-position read is surrounded by publishing: events that
    // land in the outbox read and on the bus both, and events on the bus only.
    const during: number[] = [];
    const racing: Database = {
      ...db,
      async execute<T>(em: Parameters<Database['execute']>[0], sql: string, params?: unknown[]) {
        if (!sql.includes('max(position)')) return db.execute<T>(em, sql, params);
        await recordAndPublish('A', 'B');
        const rows = await db.execute<T>(em, sql, params);
        await recordAndPublish('A', 'A');
        during.push(published.length);
        return rows;
      },
    };
    const stream = await resume(1, { db: racing });
    expect(during).toEqual([7]);
    await recordAndPublish('A');
    const events = await take(stream, 6);
    const expected = published.filter((event) => event.type === 'A' && event.position! > 1);
    expect(expected).toHaveLength(6);
    expect(events.map((event) => event.position)).toEqual(expected.map((event) => event.position));
    expect(new Set(events.map((event) => event.id)).size).toBe(6);
    await stream.return?.();
  });

  it('answers a subscriber that missed nothing with the live events only', async () => {
    await recordAndPublish('A', 'A');
    const stream = await resume(2);
    await recordAndPublish('A');
    expect((await take(stream, 1)).map(numberOf)).toEqual([numberOf(published[2]!)]);
    await stream.return?.();
  });

  it('refuses with RESYNC_REQUIRED a position further behind than the window holds', async () => {
    await recordAndPublish('A', 'A', 'A', 'A', 'A');
    expect(await codeOf(resume(1, { window: { seconds: 600, events: 3 } }))).toBe('RESYNC_REQUIRED');
    expect(await codeOf(resume(0, { window: { seconds: 600, events: 4 } }))).toBe('RESYNC_REQUIRED');
    const atTheEdge = await resume(2, { window: { seconds: 600, events: 3 } });
    expect((await take(atTheEdge, 3)).map((event) => event.position)).toEqual([3, 4, 5]);
    await atTheEdge.return?.();
  });

  it('refuses with RESYNC_REQUIRED when the first missed event was published longer ago than the window', async () => {
    await recordAndPublish('A', 'A', 'A');
    const second = await db.fork().findOneOrFail(OutboxEventEntity, { position: 2 });
    const publishedAt = second.publishedAt!.getTime();
    const window = { seconds: 60, events: 100 };
    expect(await codeOf(resume(1, { window, now: () => publishedAt + 60_001 }))).toBe('RESYNC_REQUIRED');
    const inTime = await resume(1, { window, now: () => publishedAt + 60_000 });
    expect((await take(inTime, 2)).map((event) => event.position)).toEqual([2, 3]);
    await inTime.return?.();
    // Only what was missed counts: a subscriber up to date resumes however old its last event.
    const upToDate = await resume(3, { window, now: () => publishedAt + 3_600_000 });
    await upToDate.return?.();
  });

  it('refuses with RESYNC_REQUIRED a position this outbox never gave, and listens to nothing after a refusal', async () => {
    await recordAndPublish('A', 'A');
    let listening = 0;
    const counting: EventBus = {
      ...bus,
      subscribe: (types, handler) => {
        listening += 1;
        const unsubscribe = bus.subscribe(types, handler);
        return () => {
          listening -= 1;
          unsubscribe();
        };
      },
    };
    const refused = resumedEventStream(counting, ['A'], () => true, { after: 3, db, window: WIDE });
    await expect(refused).rejects.toThrow(/position 3 is past the newest event \(2\).*subscribe again without a position/);
    expect(await codeOf(refused)).toBe('RESYNC_REQUIRED');
    expect(listening).toBe(0);
  });

  it('gives no position to an event published without the relay, and a plain stream still yields it', async () => {
    const stream = eventStream(bus, ['A']);
    await bus.publish([{ id: 'direct', type: 'A', source: 't', key: null, occurredAt: '', data: { n: 1 } }]);
    expect((await stream.next()).value).not.toHaveProperty('position');
    await stream.return?.();
  });
});

describe.each(databaseTargets())('an outbox migrated before positions existed, on $label', (target) => {
  let env: TestEnvironment;
  afterEach(async () => {
    await env?.cleanup();
  });

  /** Takes the position migration back out by hand: the database as the release before it left it. */
  async function asBeforePositions(db: Database): Promise<void> {
    const em = db.fork();
    if (db.dialect === 'sqlite') await db.run(em, 'drop index outbox_event_position_index');
    await db.run(em, 'alter table outbox_event drop column position');
    await db.run(em, 'delete from schema_migrations where name = ?', ['0000-kit-outbox-position']);
    const insert =
      'insert into outbox_event (id, type, source, event_key, payload, occurred_at, published_at) values (?, ?, ?, ?, ?, ?, ?)';
    const at = db.sqlDate(new Date());
    await db.run(em, insert, ['old-published', 'A', 'stock', null, '{"n":1}', at, at]);
    await db.run(em, insert, ['old-waiting', 'A', 'stock', null, '{"n":2}', at, null]);
  }

  it('migrates forward: earlier rows keep no position, and the relay numbers what it still has to publish', async () => {
    env = testEnvironment(target);
    const options = { name: 'stock', entities: [ProbeEntity], migrations: [] };
    const before = await openDatabase(env.config, options);
    await asBeforePositions(before);
    await before.close();

    await expect(openDatabase({ ...env.config, migrateOnStart: false }, options)).rejects.toThrow(
      'behind this release by 1 migration (0000-kit-outbox-position)',
    );
    const db = await openDatabase(env.config, options);
    const bus = createInProcessBus(log);
    const published: DomainEvent[] = [];
    bus.subscribe('*', (event) => {
      published.push(event);
    });
    const relay = startOutboxRelay(db, bus, { log, intervalMs: 60_000 });
    try {
      await relay.drain();
      expect(published.map((event) => [event.id, event.position])).toEqual([['old-waiting', 1]]);
      const rows = await db.fork().find(OutboxEventEntity, {}, { orderBy: { id: 'asc' } });
      expect(rows.map((row) => [row.id, row.position])).toEqual([
        ['old-published', null],
        ['old-waiting', 1],
      ]);
      // A stream cannot resume from before positions existed; from 0 it gets what was numbered.
      const stream = await resumedEventStream(bus, ['A'], () => true, { after: 0, db, window: WIDE });
      expect((await take(stream, 1)).map((event) => event.id)).toEqual(['old-waiting']);
      await stream.return?.();
    } finally {
      await relay.stop();
      await db.close();
    }
  });
});

describe('outbox positions and resuming streams on MySQL', () => {
  reportSkippedMysql();
});
