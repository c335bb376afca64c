import { eventRecorder } from '../../../platform/events/outbox.ts';
import { databaseTargets, reportSkippedMysql, type TestEnvironment, testEnvironment } from '../../../platform/testing/databases.ts';
import { ReservationEntity, ReservationLineEntity } from '../entities/reservation.entity.ts';
import { StockLevelEntity } from '../entities/stock-level.entity.ts';
import { sweepExpiredReservations } from '../reservations.ts';
import { type StockSystem, startStockSystem } from './fixtures.ts';

const SKUS = ['MIX-A', 'MIX-B', 'MIX-C'];
const CLIENTS = 12;
const STEPS_PER_CLIENT = 15;

/** A seeded generator, so a failure can be replayed. */
function random(seed: number) {
  let state = seed;
  return (n: number) => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state % n;
  };
}

describe.each(databaseTargets())('reserve, release, commit and expiry interleaved on $label', (target) => {
  let env: TestEnvironment;
  let system: StockSystem;
  const received = new Map<string, number>();

  beforeAll(async () => {
    env = testEnvironment(target);
    system = await startStockSystem(env.config);
    await system.createSkus(SKUS);
    const warehouses = [await system.createWarehouse('MIX-1', 1), await system.createWarehouse('MIX-2', 2)];
    for (const [i, warehouseId] of warehouses.entries()) {
      await system.receive(
        warehouseId,
        SKUS.map((skuCode) => ({ skuCode, quantity: 20 + i * 5 })),
      );
      for (const skuCode of SKUS) received.set(`${skuCode}@${warehouseId}`, 20 + i * 5);
    }
  });
  afterAll(async () => {
    await system?.close();
    await env?.cleanup();
  });

  it('never breaks a level and leaves a ledger that reconciles', async () => {
    const deps = { db: system.stock.server.db, events: eventRecorder('stock') };
    const client = async (id: number) => {
      const next = random(id + 1);
      const mine: string[] = [];
      for (let step = 0; step < STEPS_PER_CLIENT; step++) {
        const action = next(10);
        if (action < 5 || mine.length === 0) {
          const reference = `c${id}-s${step}`;
          const lines = SKUS.filter(() => next(2) === 0).map((skuCode) => ({ skuCode, quantity: 1 + next(6) }));
          // Some reservations are born almost expired, for the sweeper to race with commits.
          const payload = await system.mutate<{ reservation: { reference: string } | null }>(
            'reserveStock',
            { reference, lines: lines.length ? lines : [{ skuCode: 'MIX-A', quantity: 1 }], ttlSeconds: next(4) === 0 ? 1 : 600 },
            'reservation { reference }',
          );
          if (payload.reservation) mine.push(reference);
        } else if (action < 7) {
          await system.mutate('releaseReservation', { reference: mine.splice(next(mine.length), 1)[0]! }, 'reservation { status }');
        } else if (action < 9) {
          await system.mutate('commitReservation', { reference: mine.splice(next(mine.length), 1)[0]! }, 'reservation { status }');
        } else {
          await sweepExpiredReservations(deps, new Date(Date.now() + 2000));
        }
      }
      // A last short-lived reservation each, left for the final sweep to expire.
      await system.mutate(
        'reserveStock',
        { reference: `c${id}-last`, lines: [{ skuCode: SKUS[id % SKUS.length]!, quantity: 1 }], ttlSeconds: 1 },
        'reservation { reference }',
      );
    };
    await Promise.all(Array.from({ length: CLIENTS }, (_, id) => client(id)));
    await sweepExpiredReservations(deps, new Date(Date.now() + 2000));

    expect((await system.reconcile()).discrepancies).toEqual([]);

    // Every level: reserved is exactly what ACTIVE reservations hold there, and
    // on hand is what was received less what COMMITTED reservations shipped.
    const em = system.stock.server.db.fork();
    const reservations = new Map((await em.find(ReservationEntity, {})).map((reservation) => [reservation.reference, reservation.status]));
    const expectedReserved = new Map<string, number>();
    const shipped = new Map<string, number>();
    for (const line of await em.find(ReservationLineEntity, {})) {
      const key = `${line.skuCode}@${line.warehouseId}`;
      const status = reservations.get(line.reference);
      if (status === 'ACTIVE') expectedReserved.set(key, (expectedReserved.get(key) ?? 0) + line.quantity);
      if (status === 'COMMITTED') shipped.set(key, (shipped.get(key) ?? 0) + line.quantity);
    }
    const levels = await em.find(StockLevelEntity, {});
    expect(levels).toHaveLength(received.size);
    for (const level of levels) {
      const key = `${level.skuCode}@${level.warehouseId}`;
      expect({ key, reserved: level.reserved }).toEqual({ key, reserved: expectedReserved.get(key) ?? 0 });
      expect({ key, onHand: level.onHand }).toEqual({ key, onHand: received.get(key)! - (shipped.get(key) ?? 0) });
      expect(level.reserved).toBeGreaterThanOrEqual(0);
      expect(level.reserved).toBeLessThanOrEqual(level.onHand);
    }
    expect([...reservations.values()]).toEqual(expect.arrayContaining(['COMMITTED', 'RELEASED', 'EXPIRED']));
  });
});

describe('reserve, release, commit and expiry interleaved on MySQL', () => {
  reportSkippedMysql();
});
