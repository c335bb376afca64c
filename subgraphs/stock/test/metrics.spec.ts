import { databaseTargets, reportSkippedMysql, type TestEnvironment, testEnvironment } from '../../../platform/testing/databases.ts';
import { sampleValue, scrapeMetrics } from '../../../platform/testing/metrics.ts';
import { startTestSubgraph, type TestSubgraph } from '../../../platform/testing/subgraph-client.ts';
import { newId } from '../../../platform/values/ids.ts';
import { stockSubgraph } from '../server.ts';

/** Stock's domain gauge at `/metrics` (the kit's `metrics` hook): active reservations, counted by the database. */
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
});

describe('stock metrics on MySQL', () => reportSkippedMysql());
