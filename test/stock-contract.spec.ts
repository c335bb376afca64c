import { databaseTargets, reportSkippedMysql } from '../platform/testing/databases.ts';
import { contractExamples, contractOperation } from './support/contract.ts';
import { demoWarehouseId } from './support/shop.ts';
import { startTestSystem, type TestSystem } from './support/system.ts';

/**
 * The stock part of the public contract (test/contract/stock.graphql),
 * sent through the real router to the real subgraphs over the seeded demo
 * data, with the examples' own variables. The LiveStock subscription is
 * tested where the router serves subscriptions.
 */
const CREATE_WAREHOUSE = contractOperation('stock.graphql', 'CreateWarehouse');
const RECEIVE_STOCK = contractOperation('stock.graphql', 'ReceiveStock');
const ADJUST_STOCK = contractOperation('stock.graphql', 'AdjustStock');
const STOCK_INQUIRY = contractOperation('stock.graphql', 'StockInquiry');
const STOCK_MOVEMENTS = contractOperation('stock.graphql', 'StockMovements');
const STOCK_RECONCILIATION = contractOperation('stock.graphql', 'StockReconciliation');
const PRODUCT_DETAIL = contractOperation('catalogue.graphql', 'ProductDetail');
const SKU_BY_CODE = contractOperation('catalogue.graphql', 'SkuByCode');
const examples = contractExamples();

type UserError = { code: string; field: string | null; message: string };
type InquiryLevel = {
  sku: { code: string; name: string };
  warehouse: { id: string; code: string };
  onHand: number;
  reserved: number;
  available: number;
};
type Movements = {
  stockMovements: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: {
      node: { id: string; kind: string; quantity: number; reference: string | null; warehouse: { code: string }; createdAt: string };
    }[];
  };
};
type Reconciliation = { stockReconciliation: { checkedLevels: number; discrepancies: unknown[] } };
type ReceiveInput = {
  input: { warehouseId: string; supplierId: string; reference: string; lines: { skuCode: string; quantity: number }[] };
};
type AdjustInput = { input: { warehouseId: string; skuCode: string; delta: number; reason: string } };

const SKU = 'BP-TOY-COR-F';

describe.each(databaseTargets())('the stock contract through the router on $label', (target) => {
  let system: TestSystem;
  let writer: string;
  let reader: string;
  /** The demo's first warehouse, SH-01, and a supplier the catalogue knows: what the examples' placeholders stand for. */
  let warehouseId: string;
  let supplierId: string;

  beforeAll(async () => {
    system = await startTestSystem(target, { SEED_DEMO_DATA: 'true' });
    writer = await system.staffToken(['stock:write', 'stock:read']);
    reader = await system.staffToken(['stock:read']);
    warehouseId = await demoWarehouseId(system);
    const suppliers = await system.graphql<{ suppliers: { id: string }[] }>(
      '{ suppliers { id } }',
      {},
      await system.staffToken(['catalogue:read']),
    );
    supplierId = suppliers.body.data!.suppliers[0]!.id;
  });
  afterAll(async () => {
    await system?.close();
  });

  /** The example's variables with the placeholder ids replaced by real ones. */
  const withRealIds = (example: Record<string, unknown>): { input: Record<string, unknown> } => {
    const input = example.input as Record<string, unknown>;
    return { input: { ...input, warehouseId, ...('supplierId' in input ? { supplierId } : {}) } };
  };
  const inquiry = async () => {
    const { status, body } = await system.graphql<{ stockLevels: InquiryLevel[] }>(STOCK_INQUIRY, examples.StockInquiry);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    return body.data!.stockLevels;
  };
  const levelOf = async (code: string, warehouseCode: string) =>
    (await inquiry()).find((level) => level.sku.code === code && level.warehouse.code === warehouseCode);
  const reconcile = async () => {
    const { body } = await system.graphql<Reconciliation>(STOCK_RECONCILIATION, examples.StockReconciliation, reader);
    expect(body.errors).toBeUndefined();
    return body.data!.stockReconciliation;
  };

  it('StockInquiry answers anyone with every level of the basket, the SKU names resolved from the catalogue', async () => {
    const levels = await inquiry();
    expect(new Set(levels.map((level) => level.sku.code))).toEqual(new Set(examples.StockInquiry!.skuCodes as string[]));
    for (const level of levels) {
      expect(level.sku.name).toEqual(expect.any(String));
      expect(level.sku.name.trim()).not.toBe('');
      expect(level.warehouse).toEqual({ id: expect.any(String), code: expect.stringMatching(/^[A-Z0-9-]+$/) });
      expect(level.available).toBe(level.onHand - level.reserved);
      expect(level.reserved).toBeGreaterThanOrEqual(0);
      expect(level.reserved).toBeLessThanOrEqual(level.onHand);
    }
    const sku = await system.graphql<{ sku: { name: string } }>(SKU_BY_CODE, { code: SKU });
    expect(levels.find((level) => level.sku.code === SKU)!.sku.name).toBe(sku.body.data!.sku.name);
  });

  it('StockReconciliation finds the seeded demo stock equal to its ledger', async () => {
    const reconciliation = await reconcile();
    expect(reconciliation.checkedLevels).toBeGreaterThan(0);
    expect(reconciliation.discrepancies).toEqual([]);
  });

  it('ProductDetail shows the same stock levels as StockInquiry', async () => {
    const sku = await system.graphql<{ sku: { product: { id: string } } }>(SKU_BY_CODE, { code: SKU });
    const { body } = await system.graphql<{
      product: {
        skus: {
          code: string;
          stock: {
            available: number;
            levels: { warehouse: { id: string; code: string; name: string }; onHand: number; reserved: number; available: number }[];
          };
        }[];
      };
    }>(PRODUCT_DETAIL, { id: sku.body.data!.sku.product.id });
    expect(body.errors).toBeUndefined();
    const stock = body.data!.product.skus.find((candidate) => candidate.code === SKU)!.stock;
    const inquired = (await inquiry()).filter((level) => level.sku.code === SKU);
    expect(stock.levels.length).toBeGreaterThan(0);
    expect(stock.levels.map((level) => [level.warehouse.code, level.onHand, level.reserved, level.available])).toEqual(
      inquired.map((level) => [level.warehouse.code, level.onHand, level.reserved, level.available]),
    );
    for (const level of stock.levels) expect(level.warehouse.name).toEqual(expect.any(String));
    expect(stock.available).toBe(inquired.reduce((sum, level) => sum + level.available, 0));
  });

  it.each([
    ['CreateWarehouse', CREATE_WAREHOUSE],
    ['ReceiveStock', RECEIVE_STOCK],
    ['AdjustStock', ADJUST_STOCK],
  ])('refuses %s with 403 FORBIDDEN to an anonymous caller and to a stock:read token, and changes nothing', async (name, operation) => {
    const before = await inquiry();
    const example = examples[name]!;
    // As given, and as they would succeed for a writer (a new code, a real warehouse and supplier).
    const succeeding = name === 'CreateWarehouse' ? { input: { ...(example.input as object), code: 'SH-02' } } : withRealIds(example);
    for (const token of [undefined, reader]) {
      for (const variables of [example, succeeding]) {
        const { status, body } = await system.graphql(operation, variables, token);
        expect(status).toBe(403);
        expect(body.data ?? null).toBeNull();
        expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
        expect(body.errors?.[0]?.message).toMatch(/stock:write/);
      }
    }
    expect(await inquiry()).toEqual(before);
    const warehouses = await system.graphql<{ warehouses: { code: string }[] }>('{ warehouses(includeInactive: true) { code } }');
    expect(warehouses.body.data!.warehouses.map((warehouse) => warehouse.code)).not.toContain('SH-02');
  });

  it.each([
    ['StockMovements', STOCK_MOVEMENTS],
    ['StockReconciliation', STOCK_RECONCILIATION],
  ])('refuses %s with 403 FORBIDDEN to callers without stock:read', async (name, operation) => {
    const stranger = await system.staffToken(['catalogue:read', 'stock:write']);
    for (const token of [undefined, stranger]) {
      const { status, body } = await system.graphql(operation, examples[name], token);
      expect(status).toBe(403);
      expect(body.data ?? null).toBeNull();
      expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(body.errors?.[0]?.message).toMatch(/stock:read/);
    }
  });

  it('answers the CreateWarehouse example with DUPLICATE_CODE, since the demo already has SH-01, and creates one under a new code', async () => {
    const duplicate = await system.graphql<{ createWarehouse: { warehouse: unknown; userErrors: UserError[] } }>(
      CREATE_WAREHOUSE,
      examples.CreateWarehouse,
      writer,
    );
    expect(duplicate.body.errors).toBeUndefined();
    expect(duplicate.body.data!.createWarehouse).toEqual({
      warehouse: null,
      userErrors: [{ code: 'DUPLICATE_CODE', field: 'input.code', message: expect.stringContaining('SH-01') }],
    });

    const example = examples.CreateWarehouse as { input: Record<string, unknown> };
    const created = await system.graphql<{
      createWarehouse: { warehouse: { id: string; code: string; name: string }; userErrors: UserError[] };
    }>(CREATE_WAREHOUSE, { input: { ...example.input, code: 'SH-02' } }, writer);
    expect(created.body.data!.createWarehouse).toEqual({
      warehouse: { id: expect.any(String), code: 'SH-02', name: 'Shanghai Pudong' },
      userErrors: [],
    });
    const warehouses = await system.graphql<{ warehouses: { id: string; code: string }[] }>('{ warehouses { id code } }');
    expect(warehouses.body.data!.warehouses).toContainEqual({ id: created.body.data!.createWarehouse.warehouse.id, code: 'SH-02' });
  });

  it('answers the ReceiveStock and AdjustStock examples as they are with UNKNOWN_WAREHOUSE (and UNKNOWN_SUPPLIER), and changes nothing', async () => {
    const before = await inquiry();
    const received = await system.graphql<{ receiveStock: { receipt: unknown; userErrors: UserError[] } }>(
      RECEIVE_STOCK,
      examples.ReceiveStock,
      writer,
    );
    expect(received.body.errors).toBeUndefined();
    expect(received.body.data!.receiveStock).toEqual({
      receipt: null,
      userErrors: [
        { code: 'UNKNOWN_WAREHOUSE', field: 'input.warehouseId', message: expect.stringContaining('any-warehouse-id') },
        { code: 'UNKNOWN_SUPPLIER', field: 'input.supplierId', message: expect.stringContaining('any-supplier-id') },
      ],
    });
    const adjusted = await system.graphql<{ adjustStock: { level: unknown; userErrors: UserError[] } }>(
      ADJUST_STOCK,
      examples.AdjustStock,
      writer,
    );
    expect(adjusted.body.errors).toBeUndefined();
    expect(adjusted.body.data!.adjustStock).toEqual({
      level: null,
      userErrors: [{ code: 'UNKNOWN_WAREHOUSE', field: 'input.warehouseId', message: expect.stringContaining('any-warehouse-id') }],
    });
    expect(await inquiry()).toEqual(before);
  });

  it('receives the ReceiveStock example into a real warehouse, and refuses the same delivery twice', async () => {
    const variables = withRealIds(examples.ReceiveStock!) as ReceiveInput;
    const line = variables.input.lines[0]!;
    const before = await levelOf(line.skuCode, 'SH-01');

    const { body } = await system.graphql<{
      receiveStock: {
        receipt: { id: string; reference: string; lines: { sku: { code: string }; quantity: number }[] };
        userErrors: UserError[];
      };
    }>(RECEIVE_STOCK, variables, writer);
    expect(body.errors).toBeUndefined();
    expect(body.data!.receiveStock).toEqual({
      receipt: { id: expect.any(String), reference: 'PO-2026-0042', lines: [{ sku: { code: SKU }, quantity: 40 }] },
      userErrors: [],
    });
    const after = await levelOf(line.skuCode, 'SH-01');
    expect(after).toMatchObject({ onHand: (before?.onHand ?? 0) + 40, reserved: before?.reserved ?? 0 });

    const again = await system.graphql<{ receiveStock: { receipt: unknown; userErrors: UserError[] } }>(RECEIVE_STOCK, variables, writer);
    expect(again.body.data!.receiveStock).toEqual({
      receipt: null,
      userErrors: [{ code: 'DUPLICATE_REQUEST', field: 'input.reference', message: expect.stringContaining('PO-2026-0042') }],
    });
    expect(await levelOf(line.skuCode, 'SH-01')).toEqual(after);
  });

  it('applies the AdjustStock example to a real warehouse and answers the level after it', async () => {
    const variables = withRealIds(examples.AdjustStock!) as AdjustInput;
    const before = (await levelOf(variables.input.skuCode, 'SH-01'))!;
    const { body } = await system.graphql<{
      adjustStock: { level: { onHand: number; reserved: number; available: number }; userErrors: UserError[] };
    }>(ADJUST_STOCK, variables, writer);
    expect(body.errors).toBeUndefined();
    expect(body.data!.adjustStock).toEqual({
      level: { onHand: before.onHand - 2, reserved: before.reserved, available: before.available - 2 },
      userErrors: [],
    });
    expect(await levelOf(variables.input.skuCode, 'SH-01')).toMatchObject({ onHand: before.onHand - 2 });
  });

  it('StockMovements lists the ledger of the example SKU newest first, and pages through it', async () => {
    const { status, body } = await system.graphql<Movements>(STOCK_MOVEMENTS, examples.StockMovements, reader);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const { totalCount, pageInfo, edges } = body.data!.stockMovements;
    const nodes = edges.map((edge) => edge.node);
    // The adjustment, then the receipt, then the demo's opening stock.
    expect(nodes.slice(0, 2)).toEqual([
      {
        id: expect.any(String),
        kind: 'ADJUSTMENT',
        quantity: 2,
        reference: null,
        warehouse: { code: 'SH-01' },
        createdAt: expect.any(String),
      },
      {
        id: expect.any(String),
        kind: 'RECEIPT',
        quantity: 40,
        reference: 'PO-2026-0042',
        warehouse: { code: 'SH-01' },
        createdAt: expect.any(String),
      },
    ]);
    expect(nodes.slice(2).every((node) => node.kind === 'RECEIPT' && node.reference === 'DEMO-OPENING-STOCK')).toBe(true);
    expect(totalCount).toBe(nodes.length);
    expect(pageInfo.hasNextPage).toBe(false);
    const times = nodes.map((node) => Date.parse(node.createdAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);

    const pages: string[] = [];
    let after: string | null = null;
    do {
      const page: { body: { data?: Movements | null } } = await system.graphql<Movements>(
        STOCK_MOVEMENTS,
        { skuCode: SKU, first: 1, after },
        reader,
      );
      const connection: Movements['stockMovements'] = page.body.data!.stockMovements;
      pages.push(...connection.edges.map((edge) => edge.node.id));
      after = connection.pageInfo.hasNextPage ? connection.pageInfo.endCursor : null;
    } while (after);
    expect(pages).toEqual(nodes.map((node) => node.id));
  });

  it('StockReconciliation still finds every level equal to its ledger after the changes', async () => {
    expect((await reconcile()).discrepancies).toEqual([]);
  });
});

describe('the stock contract through the router on MySQL', () => {
  reportSkippedMysql();
});
