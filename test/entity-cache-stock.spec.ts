import { databaseTargets, reportSkippedMysql } from '../platform/testing/databases.ts';
import { eventually } from '../platform/testing/eventually.ts';
import { sampleValue } from '../platform/testing/metrics.ts';
import { contractOperation } from './support/contract.ts';
import { demoWarehouseId } from './support/shop.ts';
import { startTestSystem, type TestSystem } from './support/system.ts';

/**
 * The stock subgraph's part of a SKU in the router's entity cache
 * (docs/architecture.md §12): the light page asks every SKU's availability,
 * and stock declares it cacheable, dropped by StockChanged (the SKU's levels
 * moved), ReorderPointChanged and WarehouseChanged (the active warehouses
 * make up every SKU's stock). Nobody reads an availability older than a
 * delivered event, and a writer reads their own change at once.
 */
const SKU = 'OF-VW-GOLF';
const ADJUST_STOCK = contractOperation('stock.graphql', 'AdjustStock');
const AVAILABILITY = `{ sku(code: "${SKU}") { code stock { available } } }`;
const UPDATE_WAREHOUSE = `mutation ($input: UpdateWarehouseInput!) {
  updateWarehouse(input: $input) { userErrors { code message } }
}`;

describe.each(databaseTargets())('stock answers in the entity cache on $label', (target) => {
  let system: TestSystem;
  let writer: string;
  let warehouseId: string;

  beforeAll(async () => {
    const amqp: Record<string, string> = target.mysqlUrl && process.env.AMQP_URL ? { AMQP_URL: process.env.AMQP_URL } : {};
    system = await startTestSystem(target, { SEED_DEMO_DATA: 'true', ENTITY_CACHE: 'on', ...amqp });
    writer = await system.staffToken(['stock:write', 'stock:read']);
    warehouseId = await demoWarehouseId(system);
  });
  afterAll(async () => {
    await system?.close();
  });

  const metric = async (name: string, labels?: Record<string, string>) =>
    sampleValue(await (await fetch(system.system.routerMetricsUrl)).text(), name, labels) ?? 0;
  const available = async (token?: string) => {
    const { body } = await system.graphql<{ sku: { stock: { available: number } } }>(AVAILABILITY, {}, token);
    expect(body.errors).toBeUndefined();
    return body.data!.sku.stock.available;
  };
  const eventHeard = async (event: string, before: number) =>
    eventually(async () => (await metric('router_entity_cache_events', { event })) > before, `${event} reached the router`, {
      timeoutMs: 10_000,
    });

  it('serves a SKU’s availability from the cache, and never older than a delivered StockChanged', async () => {
    const before = await available();
    // A read is answered from the cache (the seed's own StockChanged events may still be arriving and dropping it).
    await eventually(
      async () => {
        const hits = await metric('router_entity_cache_hits');
        expect(await available()).toBe(before);
        return (await metric('router_entity_cache_hits')) > hits;
      },
      'a read answered from the cache',
      { timeoutMs: 10_000 },
    );

    const heard = await metric('router_entity_cache_events', { event: 'StockChanged' });
    const { body } = await system.graphql<{ adjustStock: { userErrors: unknown[] } }>(
      ADJUST_STOCK,
      { input: { warehouseId, skuCode: SKU, delta: 3, reason: 'cache test' } },
      writer,
    );
    expect(body.data!.adjustStock.userErrors).toEqual([]);
    // The writer reads their own change at once, before the event is delivered.
    expect(await available(writer)).toBe(before + 3);
    await eventHeard('StockChanged', heard);
    expect(await available()).toBe(before + 3);
  });

  it('drops every SKU’s availability when a warehouse changes (a deactivated warehouse no longer counts)', async () => {
    const before = await available();
    await available();
    const heard = await metric('router_entity_cache_events', { event: 'WarehouseChanged' });
    const deactivate = await system.graphql<{ updateWarehouse: { userErrors: unknown[] } }>(
      UPDATE_WAREHOUSE,
      { input: { id: warehouseId, active: false } },
      writer,
    );
    expect(deactivate.body.data!.updateWarehouse.userErrors).toEqual([]);
    await eventHeard('WarehouseChanged', heard);
    const without = await available();
    expect(without).toBeLessThan(before);

    const heardAgain = await metric('router_entity_cache_events', { event: 'WarehouseChanged' });
    await system.graphql(UPDATE_WAREHOUSE, { input: { id: warehouseId, active: true } }, writer);
    await eventHeard('WarehouseChanged', heardAgain);
    expect(await available()).toBe(before);
  });
});

reportSkippedMysql();
