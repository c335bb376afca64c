import { databaseTargets, reportSkippedMysql, type TestEnvironment, testEnvironment } from '../../../platform/testing/databases.ts';
import { staff } from '../../../platform/testing/subgraph-client.ts';
import { address, cashier, member, type OrdersSystem, paymentSucceeded, startOrdersSystem } from './fixtures.ts';

const REPORT = `query ($from: DateTime!, $to: DateTime!, $groupBy: SalesReportGrouping!) {
  salesReport(from: $from, to: $to, groupBy: $groupBy) { rows { key orders units revenue { amount currencyCode } } }
}`;
type Rows = { salesReport: { rows: { key: string; orders: number; units: number; revenue: { amount: string } }[] } };

describe.each(databaseTargets())('the sales report on $label', (target) => {
  let env: TestEnvironment;
  let system: OrdersSystem;
  let storeId: string;
  const window = () => ({ from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date(Date.now() + 3_600_000).toISOString() });
  const report = async (groupBy: string) => {
    const result = await system.orders.request<Rows>(REPORT, { ...window(), groupBy }, staff('orders:read'));
    if (result.errors) throw new Error(JSON.stringify(result.errors));
    return result.data!.salesReport.rows;
  };

  beforeAll(async () => {
    env = testEnvironment(target);
    system = await startOrdersSystem(env.config);
    await system.stockUp([
      { code: 'SR-A', price: '10.00', quantity: 50 },
      { code: 'SR-B', price: '3.50', quantity: 50 },
    ]);
    ({ warehouseId: storeId } = await system.stockUp([{ code: 'SR-C', price: '7.00', quantity: 50 }]));
    const online = (
      await system.place(
        {
          idempotencyKey: 'sr-1',
          channel: 'ONLINE',
          lines: [
            { skuCode: 'SR-A', quantity: 2 },
            { skuCode: 'SR-B', quantity: 4 },
          ],
          shippingAddress: address,
        },
        member('m-sr'),
      )
    ).order!;
    const store = (
      await system.place(
        { idempotencyKey: 'sr-2', channel: 'STORE', storeWarehouseId: storeId, lines: [{ skuCode: 'SR-C', quantity: 3 }] },
        cashier,
      )
    ).order!;
    // Placed but never paid: not a sale.
    await system.place(
      { idempotencyKey: 'sr-3', channel: 'ONLINE', lines: [{ skuCode: 'SR-A', quantity: 9 }], shippingAddress: address },
      member('m-sr'),
    );
    await system.bus.publish([paymentSucceeded(online.id), paymentSucceeded(store.id)]);
    // One unit of SR-A comes back.
    await system.mutate('shipOrder', { orderId: online.id, carrier: 'SF', trackingNumber: 'SF-SR' });
    await system.mutate(
      'requestReturn',
      { orderId: online.id, lines: [{ skuCode: 'SR-A', quantity: 1 }], reason: 'spare' },
      member('m-sr'),
    );
    await system.mutate('receiveReturn', { orderId: online.id });
  });
  afterAll(async () => {
    await system?.close();
    await env?.cleanup();
  });

  it('sums paid sales per SKU, net of returns, largest revenue first', async () => {
    expect(await report('SKU')).toEqual([
      { key: 'SR-C', orders: 1, units: 3, revenue: { amount: '21.00', currencyCode: 'CNY' } },
      { key: 'SR-B', orders: 1, units: 4, revenue: { amount: '14.00', currencyCode: 'CNY' } },
      { key: 'SR-A', orders: 1, units: 1, revenue: { amount: '10.00', currencyCode: 'CNY' } },
    ]);
  });

  it('sums per store, with the web shop as ONLINE', async () => {
    expect(await report('STORE')).toEqual([
      { key: 'ONLINE', orders: 1, units: 5, revenue: { amount: '24.00', currencyCode: 'CNY' } },
      { key: storeId, orders: 1, units: 3, revenue: { amount: '21.00', currencyCode: 'CNY' } },
    ]);
  });

  it('sums per UTC day', async () => {
    expect(await report('DAY')).toEqual([
      { key: new Date().toISOString().slice(0, 10), orders: 2, units: 8, revenue: { amount: '45.00', currencyCode: 'CNY' } },
    ]);
  });

  it('refuses a period that runs backwards or longer than a year, and callers without orders:read', async () => {
    const backwards = await system.orders.request(REPORT, { from: window().to, to: window().from, groupBy: 'DAY' }, staff('orders:read'));
    expect(backwards.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const forbidden = await system.orders.request(REPORT, { ...window(), groupBy: 'DAY' }, member('m-sr'));
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('the sales report on MySQL', () => {
  reportSkippedMysql();
});
