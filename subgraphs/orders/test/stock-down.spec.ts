import { type TestEnvironment, testEnvironment } from '../../../platform/testing/databases.ts';
import { OrderEntity } from '../entities/order.entity.ts';
import { address, member, type OrdersSystem, startOrdersSystem } from './fixtures.ts';

describe('checkout while the stock subgraph is down', () => {
  let env: TestEnvironment;
  let system: OrdersSystem;

  beforeAll(async () => {
    env = testEnvironment({ label: 'SQLite', mysqlUrl: undefined });
    system = await startOrdersSystem(env.config);
    await system.stockUp([{ code: 'DOWN-1', price: '20.00', quantity: 5 }]);
  });
  afterAll(async () => {
    await system?.close();
    await env?.cleanup();
  });

  it('answers a clear error, leaves no order or reservation, and succeeds with the same key once stock is back', async () => {
    const input = {
      idempotencyKey: 'while-down',
      channel: 'ONLINE',
      lines: [{ skuCode: 'DOWN-1', quantity: 2 }],
      shippingAddress: address,
    };
    await system.stopStock();
    const refused = await system.place(input, member('m-down'));
    expect(refused.order).toBeNull();
    expect(refused.userErrors).toEqual([
      expect.objectContaining({
        code: 'SERVICE_UNAVAILABLE',
        message: expect.stringMatching(/stock service did not answer.*same idempotencyKey/),
      }),
    ]);
    expect(await system.orders.server.db.fork().count(OrderEntity, {})).toBe(0);

    await system.startStock();
    expect(await system.level('DOWN-1')).toEqual({ onHand: 5, reserved: 0, available: 5 });
    const placed = await system.place(input, member('m-down'));
    expect(placed.userErrors).toEqual([]);
    expect(await system.reservationStatus(placed.order!.id)).toBe('ACTIVE');
    expect(await system.level('DOWN-1')).toEqual({ onHand: 5, reserved: 2, available: 3 });
  });
});
