import { planSourcing, type WarehouseStock } from '../sourcing.ts';

const stock = (rows: [warehouseId: string, priority: number, skuCode: string, available: number][]): WarehouseStock[] =>
  rows.map(([warehouseId, priority, skuCode, available]) => ({ warehouseId, priority, skuCode, available }));

describe('planSourcing', () => {
  it('fills the whole basket from the most important warehouse that can', () => {
    const plan = planSourcing(
      [
        { skuCode: 'A', quantity: 2 },
        { skuCode: 'B', quantity: 1 },
      ],
      stock([
        ['north', 2, 'A', 5],
        ['north', 2, 'B', 5],
        ['east', 1, 'A', 5],
        ['east', 1, 'B', 5],
      ]),
    );
    expect(plan).toEqual({
      ok: true,
      allocations: [
        { skuCode: 'A', warehouseId: 'east', quantity: 2 },
        { skuCode: 'B', warehouseId: 'east', quantity: 1 },
      ],
    });
  });

  it('prefers one less important warehouse that holds everything over splitting', () => {
    const plan = planSourcing(
      [
        { skuCode: 'A', quantity: 1 },
        { skuCode: 'B', quantity: 1 },
      ],
      stock([
        ['east', 1, 'A', 9],
        ['west', 2, 'B', 9],
        ['south', 9, 'A', 1],
        ['south', 9, 'B', 1],
      ]),
    );
    expect(plan.ok && plan.allocations.map((a) => a.warehouseId)).toEqual(['south', 'south']);
  });

  it('uses the fewest warehouses when none holds the whole basket', () => {
    const plan = planSourcing(
      [
        { skuCode: 'A', quantity: 3 },
        { skuCode: 'B', quantity: 3 },
        { skuCode: 'C', quantity: 3 },
      ],
      stock([
        ['w1', 1, 'A', 3],
        ['w2', 2, 'B', 3],
        ['w3', 3, 'C', 3],
        ['big', 5, 'A', 3],
        ['big', 5, 'B', 3],
        ['w4', 4, 'C', 3],
      ]),
    );
    expect(plan.ok).toBe(true);
    const warehouses = new Set(plan.ok ? plan.allocations.map((a) => a.warehouseId) : []);
    expect(warehouses.size).toBe(2);
    expect(warehouses.has('big')).toBe(true);
    expect(warehouses.has('w3')).toBe(true);
  });

  it('splits one SKU across warehouses in priority order when it must', () => {
    const plan = planSourcing(
      [{ skuCode: 'A', quantity: 5 }],
      stock([
        ['w2', 2, 'A', 4],
        ['w1', 1, 'A', 3],
      ]),
    );
    expect(plan).toEqual({
      ok: true,
      allocations: [
        { skuCode: 'A', warehouseId: 'w1', quantity: 3 },
        { skuCode: 'A', warehouseId: 'w2', quantity: 2 },
      ],
    });
  });

  it('allocates nothing and names every short SKU when the basket cannot be filled', () => {
    const plan = planSourcing(
      [
        { skuCode: 'A', quantity: 5 },
        { skuCode: 'B', quantity: 1 },
        { skuCode: 'C', quantity: 2 },
      ],
      stock([
        ['w1', 1, 'A', 4],
        ['w2', 1, 'B', 1],
      ]),
    );
    expect(plan).toEqual({
      ok: false,
      shortages: [
        { skuCode: 'A', requested: 5, available: 4 },
        { skuCode: 'C', requested: 2, available: 0 },
      ],
    });
  });

  it('adds up repeated lines of one SKU', () => {
    const plan = planSourcing(
      [
        { skuCode: 'A', quantity: 2 },
        { skuCode: 'A', quantity: 2 },
      ],
      stock([['w1', 1, 'A', 3]]),
    );
    expect(plan).toEqual({ ok: false, shortages: [{ skuCode: 'A', requested: 4, available: 3 }] });
  });

  it('still plans when there are more warehouses than the exact search handles', () => {
    const rows = Array.from({ length: 20 }, (_, i): [string, number, string, number] => [`w${i}`, i, `S${i}`, 1]);
    const lines = rows.map(([, , skuCode]) => ({ skuCode, quantity: 1 }));
    const plan = planSourcing(lines, stock(rows));
    expect(plan.ok && plan.allocations).toHaveLength(20);
  });
});
