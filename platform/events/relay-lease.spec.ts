import { type Database, openDatabase } from '../db/database.ts';
import { createLogger } from '../observability/log.ts';
import { databaseTargets, reportSkippedMysql, type TestEnvironment, testEnvironment } from '../testing/databases.ts';
import { eventually } from '../testing/eventually.ts';
import { ProbeEntity } from '../testing/probe-entity.ts';
import { createInProcessBus } from './bus.ts';
import type { DomainEvent } from './event.ts';
import { recordEvent } from './outbox.ts';
import { startOutboxRelay } from './relay.ts';
import { RETRY_MS, relayLease } from './relay-lease.ts';

const log = createLogger('relay-lease-test', { quiet: true });

/** Two instances of one subgraph on one database, each with its relay, as when a subgraph scales out. */
describe.each(databaseTargets())('relays of two instances on one database on $label', (target) => {
  let env: TestEnvironment;
  let instances: Database[];

  beforeAll(async () => {
    env = testEnvironment(target);
    instances = [];
    for (let i = 0; i < 2; i++) instances.push(await openDatabase(env.config, { name: 'stock', entities: [ProbeEntity], migrations: [] }));
  });
  afterAll(async () => {
    for (const db of instances ?? []) await db.close();
    await env?.cleanup();
  });

  // node:sqlite is synchronous: a second connection waiting for the first's lock blocks the very thread
  // the first needs to finish. One SQLite file belongs to one process; scale-out runs on MySQL.
  const concurrentIt = target.label === 'MySQL' ? it : it.skip;

  concurrentIt('publish every event once, in the order recorded, whichever instance committed it', async () => {
    const published: DomainEvent[][] = [[], []];
    const relays = instances.map((db, i) => {
      const bus = createInProcessBus(log);
      bus.subscribe('*', (event) => {
        published[i]!.push(event);
      });
      return startOutboxRelay(db, bus, { log, intervalMs: 20 });
    });
    try {
      // Commits alternate between the instances, and both relays run after every commit and on their timers.
      for (let n = 0; n < 60; n++) {
        const db = instances[n % 2]!;
        await db.transaction(db.fork(), async (em) => {
          recordEvent(em, 'stock', 'Counted', 'level-1', { n });
        });
      }
      await Promise.all(relays.map((relay) => relay.drain()));
      // Past the deadline the assertions below say what is missing.
      const allPublished = () => published[0]!.length + published[1]!.length >= 60;
      await eventually(allPublished, 'all 60 events are published', { timeoutMs: 10_000 }).catch(() => undefined);
    } finally {
      for (const relay of relays) await relay.stop();
    }
    // One relay held the lease the whole time: everything went out through it, once, in order.
    const [all, none] = published[0]!.length > 0 ? published : [published[1]!, published[0]!];
    expect(none).toEqual([]);
    expect(all!.map((event) => (event.data as { n: number }).n)).toEqual(Array.from({ length: 60 }, (_, n) => n));
  });

  it('lets another relay take over once the holder lets go, and not before', async () => {
    let clock = 1_000_000;
    const [first, second] = instances.map((db) => relayLease(db, () => clock));
    await first!.release();
    await second!.release();
    expect(await first!.acquire()).toBe(true);
    expect(await second!.acquire()).toBe(false);
    clock += RETRY_MS; // a relay without the lease asks again after a pause, and the holder still holds it
    expect(await second!.acquire()).toBe(false);
    clock += 60_000; // the holder stopped renewing: its lease lapsed
    expect(await second!.acquire()).toBe(true);
    expect(await first!.acquire()).toBe(false);
    await second!.release();
    clock += RETRY_MS;
    expect(await first!.acquire()).toBe(true);
  });
});

describe('relays of two instances on one database on MySQL', () => reportSkippedMysql());
