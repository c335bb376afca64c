import { databaseTargets, reportSkippedMysql, type TestEnvironment, testEnvironment } from '../../../platform/testing/databases.ts';
import { type StockSystem, startStockSystem, stockReader } from './fixtures.ts';

/**
 * What a catalogue page costs the stock subgraph: the router asks for the
 * stock of every SKU on the page as `_entities`, and all of it (levels and
 * their warehouses) must come in one statement however many SKUs there are.
 */
const STOCK = `query ($r: [_Any!]!) {
  _entities(representations: $r) { ... on Sku { stock { onHand available levels { warehouse { code priority } onHand } } } }
}`;
type Stock = { stock: StockTotals };
type StockTotals = { onHand: number; available: number; levels: { warehouse: { code: string; priority: number }; onHand: number }[] };

describe.each(databaseTargets())('stock SQL batching on $label', (target) => {
  let env: TestEnvironment;
  let system: StockSystem;
  let statements: string[] = [];
  const codes = ['BATCH-A', 'BATCH-B', 'BATCH-C', 'BATCH-NONE'];

  beforeAll(async () => {
    env = testEnvironment(target);
    system = await startStockSystem(env.config, { onQuery: (sql) => statements.push(sql) });
    await system.createSkus(codes);
    const north = await system.createWarehouse('BATCH-N', 2);
    const south = await system.createWarehouse('BATCH-S', 1);
    await system.receive(north, [
      { skuCode: 'BATCH-A', quantity: 3 },
      { skuCode: 'BATCH-B', quantity: 4 },
    ]);
    await system.receive(south, [
      { skuCode: 'BATCH-A', quantity: 5 },
      { skuCode: 'BATCH-C', quantity: 6 },
    ]);
    // Stock in an inactive warehouse counts nowhere.
    const closed = await system.createWarehouse('BATCH-X', 3);
    await system.receive(closed, [{ skuCode: 'BATCH-A', quantity: 100 }]);
    await system.mutate('updateWarehouse', { id: closed, active: false }, 'warehouse { id }');
    await system.mutate(
      'reserveStock',
      { reference: 'BATCH-R1', lines: [{ skuCode: 'BATCH-B', quantity: 1 }] },
      'reservation { reference }',
    );
  });
  afterAll(async () => {
    await system?.close();
    await env?.cleanup();
  });

  it('reads the stock of every SKU asked, with the warehouses, in one statement', async () => {
    statements = [];
    const result = await system.stock.request<{ _entities: Stock[] }>(
      STOCK,
      { r: codes.map((code) => ({ __typename: 'Sku', code })) },
      stockReader,
    );
    expect(result.errors).toBeUndefined();
    const level = (code: string, priority: number, onHand: number) => ({ warehouse: { code, priority }, onHand });
    expect(result.data?._entities).toEqual([
      { stock: { onHand: 8, available: 8, levels: [level('BATCH-S', 1, 5), level('BATCH-N', 2, 3)] } },
      { stock: { onHand: 4, available: 3, levels: [level('BATCH-N', 2, 4)] } },
      { stock: { onHand: 6, available: 6, levels: [level('BATCH-S', 1, 6)] } },
      { stock: { onHand: 0, available: 0, levels: [] } },
    ]);
    // Background jobs (the outbox relay, the reservation sweeper) poll on their own timers; they touch neither table.
    expect(statements.filter((sql) => /stock_level|warehouse/.test(sql))).toHaveLength(1);
  });

  it('sums the totals in the database when no level is asked for, to the same figures', async () => {
    statements = [];
    const result = await system.stock.request<{ _entities: { stock: Omit<StockTotals, 'levels'> & { reserved: number } }[] }>(
      'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Sku { stock { onHand reserved available } } } }',
      { r: codes.map((code) => ({ __typename: 'Sku', code })) },
      stockReader,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?._entities).toEqual([
      { stock: { onHand: 8, reserved: 0, available: 8 } },
      { stock: { onHand: 4, reserved: 1, available: 3 } },
      { stock: { onHand: 6, reserved: 0, available: 6 } },
      { stock: { onHand: 0, reserved: 0, available: 0 } },
    ]);
    const read = statements.filter((sql) => /stock_level|warehouse/.test(sql));
    expect(read).toHaveLength(1);
    expect(read[0]).toContain('sum(');
  });
});

describe('stock SQL batching on MySQL', () => {
  reportSkippedMysql();
});
