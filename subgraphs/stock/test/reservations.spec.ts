import type { DomainEvent } from '../../../platform/events/event.ts';
import { eventRecorder } from '../../../platform/events/outbox.ts';
import { databaseTargets, reportSkippedMysql, type TestEnvironment, testEnvironment } from '../../../platform/testing/databases.ts';
import { RESERVATION_EXPIRED, sweepExpiredReservations } from '../reservations.ts';
import { type StockSystem, startStockSystem, stockReader, type UserError } from './fixtures.ts';

type Reservation = {
  reference: string;
  status: string;
  expiresAt: string;
  lines: { sku: { code: string }; warehouse: { id: string }; quantity: number }[];
};
const RESERVATION = 'reservation { reference status expiresAt lines { sku { code } warehouse { id } quantity } }';

describe.each(databaseTargets())('reservations on $label', (target) => {
  let env: TestEnvironment;
  let system: StockSystem;
  let east: string;
  let west: string;

  const reserve = (reference: string, lines: { skuCode: string; quantity: number }[], ttlSeconds?: number) =>
    system.mutate<{ reservation: Reservation | null }>(
      'reserveStock',
      { reference, lines, ...(ttlSeconds ? { ttlSeconds } : {}) },
      RESERVATION,
    );
  const release = (reference: string) =>
    system.mutate<{ reservation: Reservation | null }>('releaseReservation', { reference }, RESERVATION);
  const commit = (reference: string) => system.mutate<{ reservation: Reservation | null }>('commitReservation', { reference }, RESERVATION);

  beforeAll(async () => {
    env = testEnvironment(target);
    system = await startStockSystem(env.config);
    await system.createSkus(['RS-A', 'RS-B', 'RS-C', 'RS-D', 'RS-E']);
    east = await system.createWarehouse('RS-EAST', 1);
    west = await system.createWarehouse('RS-WEST', 2);
    await system.receive(east, [
      { skuCode: 'RS-A', quantity: 10 },
      { skuCode: 'RS-B', quantity: 2 },
      { skuCode: 'RS-D', quantity: 5 },
      { skuCode: 'RS-E', quantity: 5 },
    ]);
    await system.receive(west, [
      { skuCode: 'RS-A', quantity: 10 },
      { skuCode: 'RS-B', quantity: 10 },
      { skuCode: 'RS-C', quantity: 3 },
    ]);
  });
  afterAll(async () => {
    await system?.close();
    await env?.cleanup();
  });

  it('reserves a basket from the one warehouse that holds all of it', async () => {
    const payload = await reserve('order-1', [
      { skuCode: 'RS-A', quantity: 2 },
      { skuCode: 'RS-B', quantity: 5 },
    ]);
    expect(payload.userErrors).toEqual([]);
    expect(payload.reservation?.status).toBe('ACTIVE');
    expect(payload.reservation?.lines.map((line) => line.warehouse.id)).toEqual([west, west]);
    expect(await system.level('RS-B', west)).toEqual({ onHand: 10, reserved: 5, available: 5 });
  });

  it('returns the same reservation for a retried call and reserves nothing twice', async () => {
    const lines = [{ skuCode: 'RS-A', quantity: 3 }];
    const first = await reserve('order-2', lines);
    const before = await system.level('RS-A', east);
    const again = await reserve('order-2', lines);
    expect(again.reservation).toEqual(first.reservation);
    expect(await system.level('RS-A', east)).toEqual(before);
  });

  it('refuses a reference reused for a different basket', async () => {
    const payload = await reserve('order-2', [{ skuCode: 'RS-A', quantity: 4 }]);
    expect(payload.userErrors).toEqual([expect.objectContaining({ code: 'DUPLICATE_REQUEST', field: 'input.reference' })]);
  });

  it('splits across the fewest warehouses when no single one can fill the basket', async () => {
    const payload = await reserve('order-3', [
      { skuCode: 'RS-C', quantity: 1 },
      { skuCode: 'RS-D', quantity: 1 },
    ]);
    const byWarehouse = Object.fromEntries(payload.reservation!.lines.map((line) => [line.sku.code, line.warehouse.id]));
    expect(byWarehouse).toEqual({ 'RS-C': west, 'RS-D': east });
  });

  it('reserves all lines or none, naming every short SKU', async () => {
    const before = await system.reconcile();
    const payload = await reserve('order-4', [
      { skuCode: 'RS-A', quantity: 1 },
      { skuCode: 'RS-C', quantity: 50 },
      { skuCode: 'RS-E', quantity: 6 },
    ]);
    expect(payload.reservation).toBeNull();
    expect(payload.userErrors).toHaveLength(1);
    expect(payload.userErrors[0]).toMatchObject({ code: 'INSUFFICIENT_STOCK' });
    expect(payload.userErrors[0]!.message).toMatch(/RS-C \(asked 50, available 2\)/);
    expect(payload.userErrors[0]!.message).toMatch(/RS-E \(asked 6, available 5\)/);
    expect(payload.userErrors[0]!.message).not.toMatch(/RS-A/);
    const reservation = await system.stock.request<{ reservation: unknown }>(
      '{ reservation(reference: "order-4") { status } }',
      {},
      stockReader,
    );
    expect(reservation.data?.reservation).toBeNull();
    expect(await system.reconcile()).toEqual(before);
  });

  it('releases a reservation once, and releasing again changes nothing', async () => {
    await reserve('order-5', [{ skuCode: 'RS-E', quantity: 2 }]);
    expect(await system.level('RS-E', east)).toEqual({ onHand: 5, reserved: 2, available: 3 });
    expect((await release('order-5')).reservation?.status).toBe('RELEASED');
    expect((await release('order-5')).reservation?.status).toBe('RELEASED');
    expect(await system.level('RS-E', east)).toEqual({ onHand: 5, reserved: 0, available: 5 });
  });

  it('commits a reservation: the units leave on-hand stock, once', async () => {
    await reserve('order-6', [{ skuCode: 'RS-E', quantity: 2 }]);
    expect((await commit('order-6')).reservation?.status).toBe('COMMITTED');
    expect((await commit('order-6')).reservation?.status).toBe('COMMITTED');
    expect(await system.level('RS-E', east)).toEqual({ onHand: 3, reserved: 0, available: 3 });
  });

  it.each([
    ['commit a released reservation', 'order-5', 'commit', 'INVALID_STATE_TRANSITION'],
    ['release a committed reservation', 'order-6', 'release', 'INVALID_STATE_TRANSITION'],
    ['commit an unknown reservation', 'no-such-order', 'commit', 'UNKNOWN_RESERVATION'],
  ])('refuses to %s', async (_, reference, action, code) => {
    const payload = action === 'commit' ? await commit(reference) : await release(reference);
    expect(payload.userErrors).toEqual([expect.objectContaining({ code })]);
  });

  it.each<[string, Record<string, unknown>, Partial<UserError>]>([
    [
      'a zero quantity',
      { reference: 'bad-1', lines: [{ skuCode: 'RS-A', quantity: 0 }] },
      { code: 'INVALID_VALUE', field: 'input.lines[0].quantity' },
    ],
    ['a negative quantity', { reference: 'bad-2', lines: [{ skuCode: 'RS-A', quantity: -1 }] }, { code: 'INVALID_VALUE' }],
    ['no lines', { reference: 'bad-3', lines: [] }, { code: 'INVALID_VALUE', field: 'input.lines' }],
    [
      'an empty reference',
      { reference: ' ', lines: [{ skuCode: 'RS-A', quantity: 1 }] },
      { code: 'INVALID_VALUE', field: 'input.reference' },
    ],
    [
      'a SKU on two lines',
      {
        reference: 'bad-4',
        lines: [
          { skuCode: 'RS-A', quantity: 1 },
          { skuCode: 'RS-A', quantity: 1 },
        ],
      },
      { code: 'INVALID_VALUE' },
    ],
    [
      'a time to live of a week',
      { reference: 'bad-5', lines: [{ skuCode: 'RS-A', quantity: 1 }], ttlSeconds: 604800 },
      { code: 'INVALID_VALUE' },
    ],
    ['a SKU that has no stock', { reference: 'bad-6', lines: [{ skuCode: 'NOT-STOCKED', quantity: 1 }] }, { code: 'INSUFFICIENT_STOCK' }],
  ])('refuses %s and reserves nothing', async (_, input, expected) => {
    const before = await system.reconcile();
    const payload = await system.mutate<{ reservation: Reservation | null }>('reserveStock', input, RESERVATION);
    expect(payload.reservation).toBeNull();
    expect(payload.userErrors).toContainEqual(expect.objectContaining(expected));
    expect(await system.reconcile()).toEqual(before);
  });

  it('releases expired reservations in the sweeper, once, announcing each', async () => {
    const expired: DomainEvent[] = [];
    const unsubscribe = system.stock.server.bus.subscribe([RESERVATION_EXPIRED], (event) => {
      expired.push(event);
    });
    await reserve('order-7', [{ skuCode: 'RS-D', quantity: 2 }], 60);
    const before = await system.level('RS-D', east);
    const deps = { db: system.stock.server.db, events: eventRecorder('stock') };
    const later = new Date(Date.now() + 61_000);
    // Two sweepers at once (two instances): exactly one releases it.
    const released = await Promise.all([sweepExpiredReservations(deps, later), sweepExpiredReservations(deps, later)]);
    expect(released.reduce((sum, n) => sum + n, 0)).toBe(1);
    expect(await system.level('RS-D', east)).toEqual({
      onHand: before!.onHand,
      reserved: before!.reserved - 2,
      available: before!.available + 2,
    });
    await system.stock.server.relay.drain();
    unsubscribe();
    expect(expired.map((event) => event.key)).toEqual(['order-7']);
    expect(expired[0]!.data).toMatchObject({ reference: 'order-7', lines: [{ skuCode: 'RS-D', quantity: 2 }] });
    const status = await system.stock.request<{ reservation: { status: string } }>(
      '{ reservation(reference: "order-7") { status } }',
      {},
      stockReader,
    );
    expect(status.data?.reservation.status).toBe('EXPIRED');
    expect((await commit('order-7')).userErrors).toEqual([expect.objectContaining({ code: 'RESERVATION_EXPIRED' })]);
    expect((await release('order-7')).reservation?.status).toBe('EXPIRED');
  });

  it('keeps the ledger reconciled through all of the above', async () => {
    expect((await system.reconcile()).discrepancies).toEqual([]);
  });
});

describe('reservations on MySQL', () => {
  reportSkippedMysql();
});
