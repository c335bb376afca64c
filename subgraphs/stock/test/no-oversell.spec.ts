import { databaseTargets, reportSkippedMysql, type TestEnvironment, testEnvironment } from '../../../platform/testing/databases.ts';
import { sampleValue, scrapeMetrics } from '../../../platform/testing/metrics.ts';
import { type StockSystem, startStockSystem, stockWriter } from './fixtures.ts';

const RESERVE = `mutation ($input: ReserveStockInput!) {
  reserveStock(input: $input) { reservation { reference status } userErrors { code message } }
}`;

describe.each(databaseTargets())('no oversell on $label', (target) => {
  let env: TestEnvironment;
  let system: StockSystem;
  let warehouseId: string;

  beforeAll(async () => {
    env = testEnvironment(target);
    system = await startStockSystem(env.config);
    await system.createSkus(['HOT-1']);
    warehouseId = await system.createWarehouse('HOT-WH', 1);
    await system.receive(warehouseId, [{ skuCode: 'HOT-1', quantity: 50 }]);
  });
  afterAll(async () => {
    await system?.close();
    await env?.cleanup();
  });

  it('lets exactly 50 of 200 concurrent single-unit reservations through when 50 are available, and counts the refusals', async () => {
    const refusals = async () =>
      sampleValue(await scrapeMetrics(system.stock.url), 'graphql_user_errors_total', {
        mutation: 'reserveStock',
        code: 'INSUFFICIENT_STOCK',
      }) ?? 0;
    const refusalsBefore = await refusals();
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        system.stock.request<{ reserveStock: { reservation: { status: string } | null; userErrors: { code: string }[] } }>(
          RESERVE,
          { input: { reference: `order-${i}`, lines: [{ skuCode: 'HOT-1', quantity: 1 }] } },
          stockWriter,
        ),
      ),
    );
    for (const result of results) expect(result.errors).toBeUndefined();
    const reserved = results.filter((result) => result.data?.reserveStock.reservation?.status === 'ACTIVE');
    const refused = results.filter((result) => result.data?.reserveStock.userErrors[0]?.code === 'INSUFFICIENT_STOCK');
    expect(reserved).toHaveLength(50);
    expect(refused).toHaveLength(150);
    // Oversell refusals at /metrics (graphql_user_errors_total), one per refused reservation.
    expect(await refusals()).toBe(refusalsBefore + 150);
    expect(await system.level('HOT-1', warehouseId)).toEqual({ onHand: 50, reserved: 50, available: 0 });
    expect(await system.reconcile()).toEqual({ checkedLevels: 1, discrepancies: [] });
  });
});

describe('no oversell on MySQL', () => {
  reportSkippedMysql();
});
