import { Migration } from '@mikro-orm/migrations';
import { type Database, openDatabase } from '../db/database.ts';
import { databaseTargets, reportSkippedMysql, type TestEnvironment, testEnvironment } from '../testing/databases.ts';
import { ProbeEntity } from '../testing/probe-entity.ts';
import { newId } from '../values/ids.ts';
import { createInProcessBus } from './bus.ts';
import type { DomainEvent } from './event.ts';
import { consumeOnce, handleOnce } from './processed-events.ts';

/** A consumer's effect, counted: no key, so a second application would show as a second row. */
class EffectMigration extends Migration {
  override name = '0001-test-effect';
  override up(): void {
    this.addSql('create table effect (event_id varchar(36) not null, consumer varchar(100) not null)');
  }
}

const anEvent = (): DomainEvent => ({
  id: newId(),
  type: 'Counted',
  source: 'test',
  key: null,
  occurredAt: new Date().toISOString(),
  data: {},
});

describe.each(databaseTargets())('handleOnce on $label', (target) => {
  let env: TestEnvironment;
  let db: Database;
  const open = () => openDatabase(env.config, { name: 'orders', entities: [ProbeEntity], migrations: [EffectMigration] });
  const effect = (consumer: string) => async (event: DomainEvent) =>
    handleOnce(db, consumer, event, async (tx) => {
      await db.run(tx, 'insert into effect (event_id, consumer) values (?, ?)', [event.id, consumer]);
    });
  const effects = async (event: DomainEvent, consumer: string) =>
    Number(
      (
        await db.execute<{ n: number }>(db.fork(), 'select count(*) as n from effect where event_id = ? and consumer = ?', [
          event.id,
          consumer,
        ])
      )[0]?.n,
    );

  beforeAll(async () => {
    env = testEnvironment(target);
    db = await open();
  });
  afterAll(async () => {
    await db?.close();
    await env?.cleanup();
  });

  it('runs the work for an event once per consumer, however often it is delivered', async () => {
    const event = anEvent();
    expect(await effect('orders.paid')(event)).toBe(true);
    expect(await effect('orders.paid')(event)).toBe(false);
    expect(await effect('orders.paid')({ ...event })).toBe(false);
    expect(await effect('invoices.paid')(event)).toBe(true);
    expect(await effects(event, 'orders.paid')).toBe(1);
    expect(await effects(event, 'invoices.paid')).toBe(1);
  });

  it('runs the work again on a later delivery when an attempt failed, because the claim rolls back with it', async () => {
    const event = anEvent();
    await expect(
      handleOnce(db, 'orders.flaky', event, async (tx) => {
        await db.run(tx, 'insert into effect (event_id, consumer) values (?, ?)', [event.id, 'orders.flaky']);
        throw new Error('the work fails after its first write');
      }),
    ).rejects.toThrow('the work fails');
    expect(await effects(event, 'orders.flaky')).toBe(0);
    expect(await effect('orders.flaky')(event)).toBe(true);
    expect(await effects(event, 'orders.flaky')).toBe(1);
  });

  it('lets exactly one of many concurrent deliveries of the same event do the work', async () => {
    const event = anEvent();
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => effect('orders.concurrent')(event)));
    expect(outcomes.filter(Boolean)).toHaveLength(1);
    expect(await effects(event, 'orders.concurrent')).toBe(1);
  });

  it('refuses a consumer name longer than its column instead of letting the database cut it', async () => {
    await expect(handleOnce(db, 'c'.repeat(101), anEvent(), async () => undefined)).rejects.toThrow(/1 to 100 characters/);
  });

  it('consumeOnce subscribes a work queue whose effect happens once per event, and again after a failed attempt', async () => {
    const bus = createInProcessBus({ info: () => undefined, warn: () => undefined, error: () => undefined });
    let failNext = true;
    const stop = consumeOnce({ db, bus }, ['Counted'], 'stock.counted', async (tx, event) => {
      await db.run(tx, 'insert into effect (event_id, consumer) values (?, ?)', [event.id, 'stock.counted']);
      if (failNext) {
        failNext = false;
        throw new Error('the first attempt fails after writing');
      }
    });
    const event = anEvent();
    await bus.publish([event]);
    expect(await effects(event, 'stock.counted')).toBe(0);
    await bus.publish([event]);
    await bus.publish([event]);
    expect(await effects(event, 'stock.counted')).toBe(1);
    stop();
    const later = anEvent();
    await bus.publish([later]);
    expect(await effects(later, 'stock.counted')).toBe(0);
  });

  it('adds its table to a database that was migrated before the table existed', async () => {
    const em = db.fork();
    await em.getConnection().execute('drop table processed_event');
    await em.getConnection().execute("delete from schema_migrations where name = '0000-kit-processed-events'");
    await db.close();
    db = await open();
    const event = anEvent();
    expect(await effect('orders.upgraded')(event)).toBe(true);
    expect(await effect('orders.upgraded')(event)).toBe(false);
  });
});

describe('handleOnce on MySQL', () => {
  reportSkippedMysql();
});
