import { eventRecorder } from '../../../platform/events/outbox.ts';
import { databaseTargets, reportSkippedMysql, type TestEnvironment, testEnvironment } from '../../../platform/testing/databases.ts';
import { sweepExpiredReservations } from '../reservations.ts';
import { type StockSystem, startStockSystem } from './fixtures.ts';

describe.each(databaseTargets())('returns and reservation extensions on $label', (target) => {
  let env: TestEnvironment;
  let system: StockSystem;
  let warehouseId: string;

  beforeAll(async () => {
    env = testEnvironment(target);
    system = await startStockSystem(env.config);
    await system.createSkus(['RX-1', 'RX-2']);
    warehouseId = await system.createWarehouse('RX-WH', 1);
    await system.receive(warehouseId, [
      { skuCode: 'RX-1', quantity: 10 },
      { skuCode: 'RX-2', quantity: 10 },
    ]);
  });
  afterAll(async () => {
    await system?.close();
    await env?.cleanup();
  });

  const returnStock = (reference: string, quantity = 1, skuCode = 'RX-1') =>
    system.mutate('returnStock', { warehouseId, reference, lines: [{ skuCode, quantity }] }, 'levels { onHand }');

  it('books a return once: the same reference again is refused and adds nothing, even when the calls race', async () => {
    const results = await Promise.all(Array.from({ length: 6 }, () => returnStock('RMA-1', 2)));
    expect(results.filter((result) => result.userErrors.length === 0)).toHaveLength(1);
    expect(results.filter((result) => result.userErrors[0]?.code === 'DUPLICATE_REQUEST')).toHaveLength(5);
    expect(await system.level('RX-1', warehouseId)).toEqual({ onHand: 12, reserved: 0, available: 12 });
  });

  it('takes many different returns into one level at once without a lock conflict', async () => {
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => returnStock(`RMA-MANY-${i}`, 1, 'RX-2')));
    expect(results.map((result) => result.userErrors)).toEqual(Array.from({ length: 12 }, () => []));
    expect(await system.level('RX-2', warehouseId)).toEqual({ onHand: 22, reserved: 0, available: 22 });
    expect((await system.reconcile()).discrepancies).toEqual([]);
  });

  it('keeps an extended reservation past its first expiry, and never shortens one', async () => {
    await system.mutate(
      'reserveStock',
      { reference: 'hold-1', lines: [{ skuCode: 'RX-1', quantity: 3 }], ttlSeconds: 60 },
      'reservation { status }',
    );
    const extended = await system.mutate<{ reservation: { expiresAt: string } }>(
      'extendReservation',
      { reference: 'hold-1', ttlSeconds: 3600 },
      'reservation { expiresAt }',
    );
    expect(extended.userErrors).toEqual([]);
    const shortened = await system.mutate<{ reservation: { expiresAt: string } }>(
      'extendReservation',
      { reference: 'hold-1', ttlSeconds: 10 },
      'reservation { expiresAt }',
    );
    expect(shortened.reservation.expiresAt).toBe(extended.reservation.expiresAt);
    const released = await sweepExpiredReservations(
      { db: system.stock.server.db, events: eventRecorder('stock') },
      new Date(Date.now() + 120_000),
    );
    expect(released).toBe(0);
    expect(await system.level('RX-1', warehouseId)).toMatchObject({ reserved: 3 });
    const committed = await system.mutate<{ reservation: { status: string } }>(
      'commitReservation',
      { reference: 'hold-1' },
      'reservation { status }',
    );
    expect(committed.reservation.status).toBe('COMMITTED');
  });

  it.each([
    ['an unknown reservation', 'no-such-hold', 'UNKNOWN_RESERVATION'],
    ['a committed reservation', 'hold-1', 'INVALID_STATE_TRANSITION'],
  ])('refuses to extend %s', async (_, reference, code) => {
    const payload = await system.mutate('extendReservation', { reference, ttlSeconds: 60 }, 'reservation { status }');
    expect(payload.userErrors).toEqual([expect.objectContaining({ code })]);
  });
});

describe('returns and reservation extensions on MySQL', () => {
  reportSkippedMysql();
});

describe('receipts and purchase orders name a supplier the catalogue knows', () => {
  let env: TestEnvironment;
  let system: StockSystem;
  let warehouseId: string;

  beforeAll(async () => {
    env = testEnvironment({ label: 'SQLite', mysqlUrl: undefined });
    system = await startStockSystem(env.config);
    await system.createSkus(['SUP-1']);
    warehouseId = await system.createWarehouse('SUP-WH', 1);
  });
  afterAll(async () => {
    await system?.close();
    await env?.cleanup();
  });

  it('refuses an unknown supplier with UNKNOWN_SUPPLIER and books nothing', async () => {
    const receipt = await system.mutate(
      'receiveStock',
      { warehouseId, reference: 'SUP-R1', supplierId: 'no-such-supplier', lines: [{ skuCode: 'SUP-1', quantity: 1 }] },
      'receipt { id }',
    );
    expect(receipt.userErrors).toEqual([expect.objectContaining({ code: 'UNKNOWN_SUPPLIER', field: 'input.supplierId' })]);
    const order = await system.mutate(
      'createPurchaseOrder',
      {
        supplierId: 'no-such-supplier',
        warehouseId,
        lines: [{ skuCode: 'SUP-1', quantity: 1, unitCost: { amount: '1.00', currencyCode: 'CNY' } }],
      },
      'purchaseOrder { id }',
    );
    expect(order.userErrors).toEqual([expect.objectContaining({ code: 'UNKNOWN_SUPPLIER', field: 'input.supplierId' })]);
    expect(await system.level('SUP-1', warehouseId)).toBeNull();
  });

  it('accepts a supplier the catalogue knows', async () => {
    const receipt = await system.mutate(
      'receiveStock',
      { warehouseId, reference: 'SUP-R2', supplierId: system.supplierId, lines: [{ skuCode: 'SUP-1', quantity: 2 }] },
      'receipt { supplierId }',
    );
    expect(receipt).toEqual({ receipt: { supplierId: system.supplierId }, userErrors: [] });
  });
});

describe('a transfer of a SKU the catalogue lacks', () => {
  let env: TestEnvironment;
  let system: StockSystem;

  beforeAll(async () => {
    env = testEnvironment({ label: 'SQLite', mysqlUrl: undefined });
    system = await startStockSystem(env.config);
  });
  afterAll(async () => {
    await system?.close();
    await env?.cleanup();
  });

  it('is refused as UNKNOWN_SKU, not as a shortage', async () => {
    const from = await system.createWarehouse('TR-A', 1);
    const to = await system.createWarehouse('TR-B', 2);
    const payload = await system.mutate(
      'transferStock',
      { fromWarehouseId: from, toWarehouseId: to, reference: 'TR-1', lines: [{ skuCode: 'NOT-IN-CATALOGUE', quantity: 1 }] },
      'transfer { reference }',
    );
    expect(payload.userErrors).toEqual([expect.objectContaining({ code: 'UNKNOWN_SKU', field: 'input.lines[0].skuCode' })]);
  });
});
