import { databaseTargets, reportSkippedMysql, type TestEnvironment, testEnvironment } from '../../../platform/testing/databases.ts';
import { sampleValue, scrapeMetrics } from '../../../platform/testing/metrics.ts';
import { startTestSubgraph, type TestSubgraph } from '../../../platform/testing/subgraph-client.ts';
import { newId } from '../../../platform/values/ids.ts';
import { stockSubgraph } from '../server.ts';

/** Stock's domain gauges at `/metrics` (the kit's `metrics` hook): active reservations and low levels, counted by the database. */
describe.each(databaseTargets())('stock metrics on $label', (target) => {
  let environment: TestEnvironment;
  let stock: TestSubgraph;

  beforeAll(async () => {
    environment = testEnvironment(target);
    stock = await startTestSubgraph(stockSubgraph, environment.config);
  });
  afterAll(async () => {
    await stock.close();
    await environment.cleanup();
  });

  const reservation = async (status: string) => {
    const { db } = stock.server;
    const now = db.sqlDate(new Date());
    await db.execute(
      db.fork(),
      'insert into reservation (reference, status, request, expires_at, actor, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?)',
      [newId(), status, '[]', now, null, now, now],
    );
  };

  it('counts the reservations in status ACTIVE only', async () => {
    expect(sampleValue(await scrapeMetrics(stock.url), 'stock_reservations_active')).toBe(0);
    await reservation('ACTIVE');
    await reservation('ACTIVE');
    await reservation('RELEASED');
    const text = await scrapeMetrics(stock.url);
    expect(sampleValue(text, 'stock_reservations_active')).toBe(2);
    expect(text).toContain('# TYPE stock_reservations_active gauge');
  });

  const warehouse = async (active: boolean) => {
    const { db } = stock.server;
    const id = newId();
    await db.execute(
      db.fork(),
      'insert into warehouse (id, code, name, region, priority, active, created_at) values (?, ?, ?, ?, ?, ?, ?)',
      [id, id.slice(-12), 'Test', 'Test', 100, active ? 1 : 0, db.sqlDate(new Date())],
    );
    return id;
  };
  const level = async (warehouseId: string, onHand: number, reserved: number, reorderPoint: number | null) => {
    const { db } = stock.server;
    await db.execute(
      db.fork(),
      'insert into stock_level (sku_code, warehouse_id, on_hand, reserved, reorder_point, version, updated_at) values (?, ?, ?, ?, ?, ?, ?)',
      [`SKU-${newId().slice(-10)}`, warehouseId, onHand, reserved, reorderPoint, 1, db.sqlDate(new Date())],
    );
  };

  it('counts the levels in active warehouses whose available quantity is at or under the reorder point', async () => {
    expect(sampleValue(await scrapeMetrics(stock.url), 'stock_levels_low')).toBe(0);
    const open = await warehouse(true);
    const closed = await warehouse(false);
    await level(open, 10, 5, 5); // available 5, at the reorder point: low
    await level(open, 3, 0, 5); // available 3: low
    await level(open, 10, 4, 5); // available 6: fine
    await level(open, 0, 0, null); // no reorder point: never low
    await level(closed, 0, 0, 5); // low, but in an inactive warehouse
    expect(sampleValue(await scrapeMetrics(stock.url), 'stock_levels_low')).toBe(2);
  });
});

describe('stock metrics on MySQL', () => reportSkippedMysql());
