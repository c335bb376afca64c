import { databaseTargets, reportSkippedMysql, type TestEnvironment, testEnvironment } from '../../../platform/testing/databases.ts';
import { OrderEntity } from '../entities/order.entity.ts';
import { address, member, type OrdersSystem, startOrdersSystem } from './fixtures.ts';

describe.each(databaseTargets())('concurrent checkouts on $label', (target) => {
  let env: TestEnvironment;
  let system: OrdersSystem;

  beforeAll(async () => {
    env = testEnvironment(target);
    system = await startOrdersSystem(env.config);
    await system.stockUp([{ code: 'RUSH-1', price: '99.00', quantity: 30 }]);
  });
  afterAll(async () => {
    await system?.close();
    await env?.cleanup();
  });

  it('lets exactly 30 of 100 concurrent orders through for 30 units, leaving no order without its reservation', async () => {
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        system.place(
          { idempotencyKey: `rush-${i}`, channel: 'ONLINE', lines: [{ skuCode: 'RUSH-1', quantity: 1 }], shippingAddress: address },
          member(`m-${i}`),
        ),
      ),
    );
    const placed = results.filter((result) => result.order);
    const refused = results.filter((result) => result.userErrors[0]?.code === 'INSUFFICIENT_STOCK');
    expect(placed).toHaveLength(30);
    expect(refused).toHaveLength(70);

    const orders = await system.orders.server.db.fork().find(OrderEntity, {});
    expect(orders).toHaveLength(30);
    for (const order of orders) {
      expect(order.status).toBe('PENDING_PAYMENT');
      expect(await system.reservationStatus(order.id)).toBe('ACTIVE');
    }
    expect(await system.level('RUSH-1')).toEqual({ onHand: 30, reserved: 30, available: 0 });
    expect(await system.reconcile()).toEqual([]);
  });
});

describe('concurrent checkouts on MySQL', () => {
  reportSkippedMysql();
});
