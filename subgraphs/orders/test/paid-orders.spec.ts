import { eventRecorder } from '../../../platform/events/outbox.ts';
import { databaseTargets, reportSkippedMysql, type TestEnvironment, testEnvironment } from '../../../platform/testing/databases.ts';
import { sweepExpiredReservations } from '../../stock/reservations.ts';
import { address, member, type OrdersSystem, paymentSucceeded, startOrdersSystem } from './fixtures.ts';

describe.each(databaseTargets())('paid orders on $label', (target) => {
  let env: TestEnvironment;
  let system: OrdersSystem;

  beforeAll(async () => {
    env = testEnvironment(target);
    system = await startOrdersSystem(env.config);
    await system.stockUp([{ code: 'PAID-1', price: '50.00', quantity: 10 }]);
  });
  afterAll(async () => {
    await system?.close();
    await env?.cleanup();
  });

  const place = async (key: string) =>
    (
      await system.place(
        { idempotencyKey: key, channel: 'ONLINE', lines: [{ skuCode: 'PAID-1', quantity: 2 }], shippingAddress: address },
        member('m-paid'),
      )
    ).order!;

  it('keeps the stock of a paid order past the unpaid payment window, so it still ships', async () => {
    const order = await place('paid-hold');
    await system.bus.publish([paymentSucceeded(order.id)]);
    // Stock's expiry sweeper runs an hour later: the paid order's reservation is not due.
    const released = await sweepExpiredReservations(
      { db: system.stock.server.db, events: eventRecorder('stock') },
      new Date(Date.now() + 3_600_000),
    );
    expect(released).toBe(0);
    expect(await system.reservationStatus(order.id)).toBe('ACTIVE');
    const shipped = await system.mutate('shipOrder', { orderId: order.id, carrier: 'SF Express', trackingNumber: 'SF-HOLD' });
    expect(shipped).toMatchObject({ order: { status: 'SHIPPED' }, userErrors: [] });
    expect(await system.level('PAID-1')).toEqual({ onHand: 8, reserved: 0, available: 8 });
  });

  it('puts returned goods back once, however many times the receipt is sent at once', async () => {
    const order = await place('returned-once');
    await system.bus.publish([paymentSucceeded(order.id)]);
    await system.mutate('shipOrder', { orderId: order.id, carrier: 'SF Express', trackingNumber: 'SF-RET' });
    await system.mutate(
      'requestReturn',
      { orderId: order.id, lines: [{ skuCode: 'PAID-1', quantity: 2 }], reason: 'wrong fitment' },
      member('m-paid'),
    );
    const before = await system.level('PAID-1');
    const results = await Promise.all(Array.from({ length: 4 }, () => system.mutate('receiveReturn', { orderId: order.id })));
    expect(results.filter((result) => result.order?.status === 'RETURNED')).not.toHaveLength(0);
    expect(await system.level('PAID-1')).toEqual({ onHand: before.onHand + 2, reserved: 0, available: before.available + 2 });
    expect(await system.reconcile()).toEqual([]);
  });
});

describe('paid orders on MySQL', () => {
  reportSkippedMysql();
});
