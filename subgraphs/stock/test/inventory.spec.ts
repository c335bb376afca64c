import type { Identity } from '../../../platform/auth/identity.ts';
import { databaseTargets, reportSkippedMysql, type TestEnvironment, testEnvironment } from '../../../platform/testing/databases.ts';
import type { GraphQLResponse } from '../../../platform/testing/subgraph-client.ts';
import { type StockSystem, startStockSystem, stockReader, stockWriter, type UserError } from './fixtures.ts';

/**
 * Goods in and out that are not orders (receipts, purchase orders,
 * adjustments, transfers, returns, reorder points, warehouses), through the
 * real stock subgraph with the real catalogue behind it. Every suite uses SKUs
 * and warehouses of its own, so the suites share one system per database and
 * the whole ledger must still reconcile at the end.
 */
type Movement = {
  kind: string;
  quantity: number;
  onHandDelta: number;
  reservedDelta: number;
  reference: string | null;
  reason: string | null;
  actor: string | null;
  warehouse: { id: string };
};
type Level = {
  sku: { code: string };
  warehouse: { id: string; code: string };
  onHand: number;
  reserved: number;
  available: number;
  reorderPoint: number | null;
  lowStock: boolean;
  unitCost: { amount: string; currencyCode: string } | null;
};
type Money = { amount: string; currencyCode: string };
type PurchaseOrder = {
  id: string;
  reference: string;
  supplierId: string;
  status: string;
  warehouse: { id: string };
  total: Money;
  lines: { sku: { code: string }; quantityOrdered: number; quantityReceived: number; unitCost: Money }[];
};
/** Rows of every stock table plus the level totals: what "writes nothing" compares. */
type Snapshot = Record<string, number>;

const LEVEL_FIELDS = 'sku { code } warehouse { id code } onHand reserved available reorderPoint lowStock unitCost { amount currencyCode }';
const PURCHASE_ORDER_FIELDS = `id reference supplierId status warehouse { id } total { amount currencyCode }
  lines { sku { code } quantityOrdered quantityReceived unitCost { amount currencyCode } }`;
const STOCK_TABLES = [
  'warehouse',
  'stock_level',
  'stock_movement',
  'receipt',
  'receipt_line',
  'purchase_order',
  'purchase_order_line',
  'reservation',
  'reservation_line',
  'outbox_event',
];

/** Every SKU these suites book stock against; the catalogue knows them all. */
const SKUS = [
  ...['RCV-A', 'RCV-B', 'DUP-A', 'PO-A', 'PO-B', 'PO-C', 'VAL-A', 'ADJ-A', 'TRF-A', 'TRF-B', 'TRF-C', 'RET-A', 'RET-B'],
  ...['LOW-A', 'LOW-B', 'LOW-C', 'LOW-D', 'WH-A', 'BAD-A', 'AUTH-A'],
];

describe.each(databaseTargets())('stock inventory on $label', (target) => {
  let env: TestEnvironment;
  let system: StockSystem;

  beforeAll(async () => {
    env = testEnvironment(target);
    system = await startStockSystem(env.config);
    await system.createSkus(SKUS);
  });
  afterAll(async () => {
    await system?.close();
    await env?.cleanup();
  });

  /** A query that must answer without GraphQL errors. */
  async function query<T>(document: string, variables: Record<string, unknown> = {}, identity: Identity = stockReader): Promise<T> {
    const result = await system.stock.request<T>(document, variables, identity);
    expect(result.errors).toBeUndefined();
    return result.data!;
  }

  async function movements(skuCode: string, warehouseId?: string): Promise<{ totalCount: number; movements: Movement[] }> {
    const data = await query<{ stockMovements: { totalCount: number; edges: { node: Movement }[] } }>(
      `query ($skuCode: String!, $warehouseId: ID) {
        stockMovements(skuCode: $skuCode, warehouseId: $warehouseId, first: 100) {
          totalCount
          edges { node { kind quantity onHandDelta reservedDelta reference reason actor warehouse { id } } }
        }
      }`,
      { skuCode, warehouseId },
    );
    return { totalCount: data.stockMovements.totalCount, movements: data.stockMovements.edges.map((edge) => edge.node) };
  }

  async function levels(skuCodes: string[]): Promise<Level[]> {
    const data = await query<{ stockLevels: Level[] }>(`query ($codes: [String!]!) { stockLevels(skuCodes: $codes) { ${LEVEL_FIELDS} } }`, {
      codes: skuCodes,
    });
    return data.stockLevels;
  }

  async function purchaseOrder(id: string): Promise<PurchaseOrder> {
    const data = await query<{ purchaseOrder: PurchaseOrder }>(`query ($id: ID!) { purchaseOrder(id: $id) { ${PURCHASE_ORDER_FIELDS} } }`, {
      id,
    });
    return data.purchaseOrder;
  }

  async function snapshot(): Promise<Snapshot> {
    const db = system.stock.server.db;
    const em = db.fork();
    const counts: Snapshot = {};
    for (const table of STOCK_TABLES) {
      const [row] = await db.execute<{ n: number | string }>(em, `select count(*) as n from ${table}`);
      counts[table] = Number(row!.n);
    }
    const [levelSums] = await db.execute<{
      on_hand: number | string | null;
      reserved: number | string | null;
      version: number | string | null;
    }>(em, 'select sum(on_hand) as on_hand, sum(reserved) as reserved, sum(version) as version from stock_level');
    const [orderSums] = await db.execute<{ received: number | string | null }>(
      em,
      'select sum(quantity_received) as received from purchase_order_line',
    );
    const [warehouseSums] = await db.execute<{ priority: number | string | null; active: number | string | null }>(
      em,
      'select sum(priority) as priority, sum(active) as active from warehouse',
    );
    counts.onHand = Number(levelSums?.on_hand ?? 0);
    counts.reserved = Number(levelSums?.reserved ?? 0);
    counts.levelVersions = Number(levelSums?.version ?? 0);
    counts.quantityReceived = Number(orderSums?.received ?? 0);
    counts.warehousePriorities = Number(warehouseSums?.priority ?? 0);
    counts.activeWarehouses = Number(warehouseSums?.active ?? 0);
    return counts;
  }

  const codesOf = (errors: UserError[]) => errors.map((error) => error.code);

  describe('receiveStock', () => {
    let warehouseId: string;
    beforeAll(async () => {
      warehouseId = await system.createWarehouse('RCV-WH');
    });

    it('raises on-hand stock and writes one RECEIPT movement per line, newest first', async () => {
      const first = await system.mutate<{ receipt: Record<string, unknown> }>(
        'receiveStock',
        {
          warehouseId,
          reference: 'DN-1001',
          supplierId: system.supplierId,
          lines: [
            { skuCode: 'RCV-A', quantity: 12 },
            { skuCode: 'RCV-B', quantity: 5 },
          ],
        },
        'receipt { id reference supplierId warehouse { id } purchaseOrder { id } lines { sku { code } quantity unitCost { amount } } }',
      );
      expect(first.userErrors).toEqual([]);
      expect(first.receipt).toEqual({
        id: expect.any(String),
        reference: 'DN-1001',
        supplierId: system.supplierId,
        warehouse: { id: warehouseId },
        purchaseOrder: null,
        lines: [
          { sku: { code: 'RCV-A' }, quantity: 12, unitCost: null },
          { sku: { code: 'RCV-B' }, quantity: 5, unitCost: null },
        ],
      });
      await system.receive(warehouseId, [{ skuCode: 'RCV-A', quantity: 3 }], 'DN-1002');

      expect(await system.level('RCV-A', warehouseId)).toEqual({ onHand: 15, reserved: 0, available: 15 });
      expect(await system.level('RCV-B', warehouseId)).toEqual({ onHand: 5, reserved: 0, available: 5 });
      const receipt = (quantity: number, reference: string) => ({
        kind: 'RECEIPT',
        quantity,
        onHandDelta: quantity,
        reservedDelta: 0,
        reference,
        reason: null,
        actor: 'staff-test',
        warehouse: { id: warehouseId },
      });
      expect(await movements('RCV-A')).toEqual({ totalCount: 2, movements: [receipt(3, 'DN-1002'), receipt(12, 'DN-1001')] });
      expect(await movements('RCV-B')).toEqual({ totalCount: 1, movements: [receipt(5, 'DN-1001')] });
      expect((await system.reconcile()).discrepancies).toEqual([]);
    });

    it('refuses a receipt reference already received into the same warehouse and writes nothing', async () => {
      await system.receive(warehouseId, [{ skuCode: 'DUP-A', quantity: 4 }], 'DN-2001');
      const before = await snapshot();
      for (const quantity of [4, 9]) {
        const again = await system.mutate<{ receipt: unknown }>(
          'receiveStock',
          { warehouseId, reference: 'DN-2001', lines: [{ skuCode: 'DUP-A', quantity }] },
          'receipt { id }',
        );
        expect(again.receipt).toBeNull();
        expect(again.userErrors).toEqual([
          { code: 'DUPLICATE_REQUEST', field: 'input.reference', message: expect.stringContaining('DN-2001') },
        ]);
      }
      expect(await snapshot()).toEqual(before);
      expect(await system.level('DUP-A', warehouseId)).toEqual({ onHand: 4, reserved: 0, available: 4 });
      expect((await movements('DUP-A')).totalCount).toBe(1);
    });

    it('accepts the same reference in another warehouse, since references are unique per warehouse', async () => {
      const other = await system.createWarehouse('RCV-WH-2');
      await system.receive(other, [{ skuCode: 'DUP-A', quantity: 1 }], 'DN-2001');
      expect(await system.level('DUP-A', other)).toEqual({ onHand: 1, reserved: 0, available: 1 });
    });
  });

  describe('purchase orders', () => {
    let warehouseId: string;
    let orderId: string;
    beforeAll(async () => {
      warehouseId = await system.createWarehouse('PO-WH');
    });

    const receiveAgainst = (reference: string, lines: Record<string, unknown>[]) =>
      system.mutate<{
        receipt: { supplierId: string; lines: { sku: { code: string }; quantity: number; unitCost: Money | null }[] } | null;
      }>(
        'receiveStock',
        { warehouseId, reference, purchaseOrderId: orderId, lines },
        'receipt { supplierId lines { sku { code } quantity unitCost { amount currencyCode } } }',
      );

    it('creates a purchase order whose total is the sum of its lines', async () => {
      const created = await system.mutate<{ purchaseOrder: PurchaseOrder }>(
        'createPurchaseOrder',
        {
          supplierId: system.supplierId,
          warehouseId,
          reference: 'PO-7001',
          lines: [
            { skuCode: 'PO-A', quantity: 10, unitCost: { amount: '10.00', currencyCode: 'CNY' } },
            { skuCode: 'PO-B', quantity: 4, unitCost: { amount: '2.50', currencyCode: 'CNY' } },
          ],
        },
        `purchaseOrder { ${PURCHASE_ORDER_FIELDS} }`,
      );
      expect(created.userErrors).toEqual([]);
      orderId = created.purchaseOrder.id;
      expect(created.purchaseOrder).toEqual({
        id: expect.any(String),
        reference: 'PO-7001',
        supplierId: system.supplierId,
        status: 'ORDERED',
        warehouse: { id: warehouseId },
        total: { amount: '110.00', currencyCode: 'CNY' },
        lines: [
          { sku: { code: 'PO-A' }, quantityOrdered: 10, quantityReceived: 0, unitCost: { amount: '10.00', currencyCode: 'CNY' } },
          { sku: { code: 'PO-B' }, quantityOrdered: 4, quantityReceived: 0, unitCost: { amount: '2.50', currencyCode: 'CNY' } },
        ],
      });
      expect(await purchaseOrder(orderId)).toEqual(created.purchaseOrder);
    });

    it('refuses a second purchase order with the same reference (DUPLICATE_REQUEST) and writes nothing', async () => {
      const before = await snapshot();
      const again = await system.mutate<{ purchaseOrder: unknown }>(
        'createPurchaseOrder',
        {
          supplierId: system.supplierId,
          warehouseId,
          reference: 'PO-7001',
          lines: [{ skuCode: 'PO-C', quantity: 1, unitCost: { amount: '1.00', currencyCode: 'CNY' } }],
        },
        'purchaseOrder { id }',
      );
      expect(again).toEqual({
        purchaseOrder: null,
        userErrors: [{ code: 'DUPLICATE_REQUEST', field: 'input.reference', message: expect.stringContaining('PO-7001') }],
      });
      expect(await snapshot()).toEqual(before);
    });

    it('receives part of an order at the order’s unit cost and marks it PARTIALLY_RECEIVED', async () => {
      const part = await receiveAgainst('PO-7001/1', [{ skuCode: 'PO-A', quantity: 6 }]);
      expect(part.userErrors).toEqual([]);
      expect(part.receipt).toEqual({
        supplierId: system.supplierId,
        lines: [{ sku: { code: 'PO-A' }, quantity: 6, unitCost: { amount: '10.00', currencyCode: 'CNY' } }],
      });
      const order = await purchaseOrder(orderId);
      expect(order.status).toBe('PARTIALLY_RECEIVED');
      expect(order.lines.map((line) => [line.sku.code, line.quantityReceived])).toEqual([
        ['PO-A', 6],
        ['PO-B', 0],
      ]);
      const [level] = await levels(['PO-A']);
      expect(level).toMatchObject({ onHand: 6, unitCost: { amount: '10.00', currencyCode: 'CNY' } });
    });

    it('shows the order as it is after the receipt in the receipt’s own payload', async () => {
      const payload = await system.mutate<{ receipt: { purchaseOrder: { status: string; lines: { quantityReceived: number }[] } } }>(
        'receiveStock',
        { warehouseId, reference: 'PO-7001/2', purchaseOrderId: orderId, lines: [{ skuCode: 'PO-B', quantity: 1 }] },
        'receipt { purchaseOrder { status lines { quantityReceived } } }',
      );
      expect(payload.userErrors).toEqual([]);
      expect(payload.receipt.purchaseOrder).toEqual({
        status: 'PARTIALLY_RECEIVED',
        lines: [{ quantityReceived: 6 }, { quantityReceived: 1 }],
      });
    });

    it('refuses to receive more than is outstanding (OVER_RECEIPT) and writes nothing, not even the lines that fit', async () => {
      const before = await snapshot();
      const beforeA = await movements('PO-A');
      const over = await receiveAgainst('PO-7001/over', [
        { skuCode: 'PO-A', quantity: 4 },
        { skuCode: 'PO-B', quantity: 4 },
      ]);
      expect(over.receipt).toBeNull();
      expect(over.userErrors).toEqual([
        { code: 'OVER_RECEIPT', field: 'input.lines[1].quantity', message: expect.stringContaining('PO-B') },
      ]);
      const single = await receiveAgainst('PO-7001/over-2', [{ skuCode: 'PO-A', quantity: 5 }]);
      expect(codesOf(single.userErrors)).toEqual(['OVER_RECEIPT']);
      expect(await snapshot()).toEqual(before);
      expect(await movements('PO-A')).toEqual(beforeA);
      const order = await purchaseOrder(orderId);
      expect(order.status).toBe('PARTIALLY_RECEIVED');
      expect(order.lines.map((line) => line.quantityReceived)).toEqual([6, 1]);
    });

    it('refuses a SKU that is not on the order', async () => {
      const before = await snapshot();
      const stray = await receiveAgainst('PO-7001/stray', [{ skuCode: 'PO-C', quantity: 1 }]);
      expect(stray.userErrors).toEqual([
        { code: 'INVALID_VALUE', field: 'input.lines[0].skuCode', message: expect.stringContaining('PO-C') },
      ]);
      expect(await snapshot()).toEqual(before);
    });

    it('marks the order RECEIVED once the rest arrives, and then takes no more receipts', async () => {
      const rest = await receiveAgainst('PO-7001/3', [
        { skuCode: 'PO-A', quantity: 4 },
        { skuCode: 'PO-B', quantity: 3 },
      ]);
      expect(rest.userErrors).toEqual([]);
      const order = await purchaseOrder(orderId);
      expect(order.status).toBe('RECEIVED');
      expect(order.lines.map((line) => [line.quantityOrdered, line.quantityReceived])).toEqual([
        [10, 10],
        [4, 4],
      ]);
      expect(await system.level('PO-A', warehouseId)).toEqual({ onHand: 10, reserved: 0, available: 10 });
      expect(await system.level('PO-B', warehouseId)).toEqual({ onHand: 4, reserved: 0, available: 4 });

      const before = await snapshot();
      const more = await receiveAgainst('PO-7001/4', [{ skuCode: 'PO-A', quantity: 1 }]);
      expect(codesOf(more.userErrors)).toEqual(['INVALID_STATE_TRANSITION']);
      expect(await snapshot()).toEqual(before);
    });

    it('closes an order, and lists it among the closed ones', async () => {
      const closed = await system.mutate<{ purchaseOrder: { id: string; status: string } }>(
        'closePurchaseOrder',
        { purchaseOrderId: orderId },
        'purchaseOrder { id status }',
      );
      expect(closed).toEqual({ purchaseOrder: { id: orderId, status: 'CLOSED' }, userErrors: [] });
      const list = await query<{ purchaseOrders: { totalCount: number; edges: { node: { id: string } }[] } }>(
        '{ purchaseOrders(status: CLOSED) { totalCount edges { node { id } } } }',
      );
      expect(list.purchaseOrders.edges.map((edge) => edge.node.id)).toContain(orderId);
    });

    it('refuses receipts against an order closed before anything arrived', async () => {
      const created = await system.mutate<{ purchaseOrder: { id: string } }>(
        'createPurchaseOrder',
        {
          supplierId: system.supplierId,
          warehouseId,
          lines: [{ skuCode: 'PO-C', quantity: 2, unitCost: { amount: '1.00', currencyCode: 'CNY' } }],
        },
        'purchaseOrder { id }',
      );
      expect(created.userErrors).toEqual([]);
      await system.mutate('closePurchaseOrder', { purchaseOrderId: created.purchaseOrder.id }, 'purchaseOrder { id }');
      const before = await snapshot();
      const refused = await system.mutate(
        'receiveStock',
        { warehouseId, reference: 'PO-CLOSED/1', purchaseOrderId: created.purchaseOrder.id, lines: [{ skuCode: 'PO-C', quantity: 1 }] },
        'receipt { id }',
      );
      expect(codesOf(refused.userErrors)).toEqual(['INVALID_STATE_TRANSITION']);
      expect(await snapshot()).toEqual(before);
    });
  });

  describe('stockValuation', () => {
    it('values units at the moving-average unit cost of their receipts', async () => {
      const warehouseId = await system.createWarehouse('VAL-WH', 9_000);
      const costed = (reference: string, quantity: number, amount: string) =>
        system.mutate(
          'receiveStock',
          { warehouseId, reference, lines: [{ skuCode: 'VAL-A', quantity, unitCost: { amount, currencyCode: 'CNY' } }] },
          'receipt { id }',
        );
      expect((await costed('VAL-1', 10, '10.00')).userErrors).toEqual([]);
      expect((await costed('VAL-2', 10, '20.00')).userErrors).toEqual([]);

      const [level] = await levels(['VAL-A']);
      expect(level).toMatchObject({ onHand: 20, unitCost: { amount: '15.00', currencyCode: 'CNY' } });
      const valuation = await query<{
        stockValuation: { lines: { warehouse: { id: string }; units: number; value: Money }[]; uncostedLevels: number };
      }>('{ stockValuation { lines { warehouse { id } units value { amount currencyCode } } uncostedLevels } }');
      expect(valuation.stockValuation.lines.filter((line) => line.warehouse.id === warehouseId)).toEqual([
        { warehouse: { id: warehouseId }, units: 20, value: { amount: '300.00', currencyCode: 'CNY' } },
      ]);
      // Levels received without a cost (RCV-A, RCV-B, ...) are counted apart, not valued at zero.
      expect(valuation.stockValuation.uncostedLevels).toBeGreaterThan(0);
    });
  });

  describe('adjustStock', () => {
    let warehouseId: string;
    beforeAll(async () => {
      warehouseId = await system.createWarehouse('ADJ-WH');
      await system.receive(warehouseId, [{ skuCode: 'ADJ-A', quantity: 10 }], 'ADJ-OPENING');
    });

    const adjust = (delta: number, reason: string) =>
      system.mutate<{ level: { onHand: number; reserved: number; available: number } | null }>(
        'adjustStock',
        { warehouseId, skuCode: 'ADJ-A', delta, reason },
        'level { onHand reserved available }',
      );

    it('adds and removes on-hand stock and keeps the reason in the ledger', async () => {
      expect(await adjust(3, 'stock-take: found behind shelf')).toEqual({
        level: { onHand: 13, reserved: 0, available: 13 },
        userErrors: [],
      });
      expect(await adjust(-2, 'stock-take: damaged')).toEqual({ level: { onHand: 11, reserved: 0, available: 11 }, userErrors: [] });
      const { movements: ledger } = await movements('ADJ-A');
      expect(ledger.slice(0, 2)).toEqual([
        expect.objectContaining({ kind: 'ADJUSTMENT', quantity: 2, onHandDelta: -2, reservedDelta: 0, reason: 'stock-take: damaged' }),
        expect.objectContaining({
          kind: 'ADJUSTMENT',
          quantity: 3,
          onHandDelta: 3,
          reservedDelta: 0,
          reason: 'stock-take: found behind shelf',
        }),
      ]);
      expect((await system.reconcile()).discrepancies).toEqual([]);
    });

    it('refuses to take on-hand stock below zero (INSUFFICIENT_STOCK) and writes nothing', async () => {
      const before = await snapshot();
      const refused = await adjust(-12, 'stock-take: missing');
      expect(refused.level).toBeNull();
      expect(refused.userErrors).toEqual([{ code: 'INSUFFICIENT_STOCK', field: 'input.delta', message: expect.any(String) }]);
      expect(await snapshot()).toEqual(before);
    });

    it('refuses to take on-hand stock below what is reserved, but allows down to it', async () => {
      const reserved = await system.stock.request<{ reserveStock: { reservation: { status: string } | null; userErrors: UserError[] } }>(
        `mutation ($input: ReserveStockInput!) {
          reserveStock(input: $input) { reservation { status } userErrors { code field message } }
        }`,
        { input: { reference: 'adj-order-1', lines: [{ skuCode: 'ADJ-A', quantity: 8 }] } },
        stockWriter,
      );
      expect(reserved.errors).toBeUndefined();
      expect(reserved.data!.reserveStock).toEqual({ reservation: { status: 'ACTIVE' }, userErrors: [] });
      expect(await system.level('ADJ-A', warehouseId)).toEqual({ onHand: 11, reserved: 8, available: 3 });

      const before = await snapshot();
      const refused = await adjust(-4, 'stock-take: missing');
      expect(refused.level).toBeNull();
      expect(refused.userErrors).toEqual([
        { code: 'INSUFFICIENT_STOCK', field: 'input.delta', message: expect.stringContaining('8 reserved') },
      ]);
      expect(await snapshot()).toEqual(before);

      expect(await adjust(-3, 'stock-take: missing')).toEqual({ level: { onHand: 8, reserved: 8, available: 0 }, userErrors: [] });
      expect((await system.reconcile()).discrepancies).toEqual([]);
    });
  });

  describe('transferStock', () => {
    let fromId: string;
    let toId: string;
    beforeAll(async () => {
      fromId = await system.createWarehouse('TRF-WH-1');
      toId = await system.createWarehouse('TRF-WH-2');
      await system.receive(fromId, [
        { skuCode: 'TRF-A', quantity: 10 },
        { skuCode: 'TRF-B', quantity: 1 },
      ]);
    });

    const transfer = (reference: string, lines: { skuCode: string; quantity: number }[]) =>
      system.mutate<{ transfer: Record<string, unknown> | null }>(
        'transferStock',
        { fromWarehouseId: fromId, toWarehouseId: toId, reference, lines },
        'transfer { reference from { code } to { code } lines { sku { code } quantity } }',
      );

    it('moves units between warehouses with a TRANSFER_OUT and a TRANSFER_IN movement', async () => {
      expect(await transfer('TR-1', [{ skuCode: 'TRF-A', quantity: 4 }])).toEqual({
        transfer: {
          reference: 'TR-1',
          from: { code: 'TRF-WH-1' },
          to: { code: 'TRF-WH-2' },
          lines: [{ sku: { code: 'TRF-A' }, quantity: 4 }],
        },
        userErrors: [],
      });
      expect(await system.level('TRF-A', fromId)).toEqual({ onHand: 6, reserved: 0, available: 6 });
      expect(await system.level('TRF-A', toId)).toEqual({ onHand: 4, reserved: 0, available: 4 });
      expect((await movements('TRF-A', fromId)).movements[0]).toEqual({
        kind: 'TRANSFER_OUT',
        quantity: 4,
        onHandDelta: -4,
        reservedDelta: 0,
        reference: 'TR-1',
        reason: 'to TRF-WH-2',
        actor: 'staff-test',
        warehouse: { id: fromId },
      });
      expect(await movements('TRF-A', toId)).toEqual({
        totalCount: 1,
        movements: [
          {
            kind: 'TRANSFER_IN',
            quantity: 4,
            onHandDelta: 4,
            reservedDelta: 0,
            reference: 'TR-1',
            reason: 'from TRF-WH-1',
            actor: 'staff-test',
            warehouse: { id: toId },
          },
        ],
      });
      expect((await system.reconcile()).discrepancies).toEqual([]);
    });

    it('carries the unit cost to the receiving warehouse, so a transfer does not change what the stock is worth', async () => {
      const costedFrom = await system.createWarehouse('TRF-VAL-1', 9_001);
      const costedTo = await system.createWarehouse('TRF-VAL-2', 9_002);
      const receipt = (warehouseId: string, reference: string, quantity: number, amount: string) =>
        system.mutate(
          'receiveStock',
          { warehouseId, reference, lines: [{ skuCode: 'TRF-C', quantity, unitCost: { amount, currencyCode: 'CNY' } }] },
          'receipt { id }',
        );
      expect((await receipt(costedFrom, 'TRF-VAL-1', 10, '12.00')).userErrors).toEqual([]);
      expect((await receipt(costedTo, 'TRF-VAL-2', 2, '21.00')).userErrors).toEqual([]);
      const valued = async () => {
        const data = await query<{
          stockValuation: { lines: { warehouse: { id: string }; units: number; value: Money }[]; uncostedLevels: number };
        }>('{ stockValuation { lines { warehouse { id } units value { amount currencyCode } } uncostedLevels } }');
        const lines = data.stockValuation.lines.filter((line) => [costedFrom, costedTo].includes(line.warehouse.id));
        return { lines: lines.map((line) => [line.units, line.value.amount]), uncostedLevels: data.stockValuation.uncostedLevels };
      };
      const before = await valued();
      expect(before.lines).toEqual([
        [10, '120.00'],
        [2, '42.00'],
      ]);

      const moved = await system.mutate(
        'transferStock',
        { fromWarehouseId: costedFrom, toWarehouseId: costedTo, reference: 'TR-VAL', lines: [{ skuCode: 'TRF-C', quantity: 4 }] },
        'transfer { reference }',
      );
      expect(moved.userErrors).toEqual([]);
      // 2 @ 21.00 and 4 @ 12.00 make 6 @ 15.00 at the destination; the source keeps 6 @ 12.00.
      expect((await levels(['TRF-C'])).map((level) => [level.warehouse.code, level.onHand, level.unitCost?.amount])).toEqual([
        ['TRF-VAL-1', 6, '12.00'],
        ['TRF-VAL-2', 6, '15.00'],
      ]);
      expect(await valued()).toEqual({
        lines: [
          [6, '72.00'],
          [6, '90.00'],
        ],
        uncostedLevels: before.uncostedLevels,
      });
    });

    it('refuses a transfer of more than the source has (INSUFFICIENT_STOCK) and moves nothing, not even the lines that fit', async () => {
      const before = await snapshot();
      const refused = await transfer('TR-2', [
        { skuCode: 'TRF-A', quantity: 2 },
        { skuCode: 'TRF-B', quantity: 5 },
      ]);
      expect(refused.transfer).toBeNull();
      expect(refused.userErrors).toEqual([
        { code: 'INSUFFICIENT_STOCK', field: 'input.lines[1].quantity', message: expect.stringContaining('TRF-B') },
      ]);
      expect(codesOf((await transfer('TR-3', [{ skuCode: 'TRF-A', quantity: 7 }])).userErrors)).toEqual(['INSUFFICIENT_STOCK']);
      expect(await snapshot()).toEqual(before);
      expect(await system.level('TRF-A', fromId)).toEqual({ onHand: 6, reserved: 0, available: 6 });
      expect(await system.level('TRF-A', toId)).toEqual({ onHand: 4, reserved: 0, available: 4 });
    });
  });

  describe('returnStock', () => {
    it('puts returned goods back on hand with a RETURN movement', async () => {
      const warehouseId = await system.createWarehouse('RET-WH');
      await system.receive(warehouseId, [{ skuCode: 'RET-A', quantity: 2 }]);
      const returned = await system.mutate<{ levels: { sku: { code: string }; onHand: number; available: number }[] }>(
        'returnStock',
        {
          warehouseId,
          reference: 'ORDER-9',
          reason: 'wrong fitment',
          lines: [
            { skuCode: 'RET-A', quantity: 1 },
            { skuCode: 'RET-B', quantity: 2 },
          ],
        },
        'levels { sku { code } onHand available }',
      );
      expect(returned).toEqual({
        levels: [
          { sku: { code: 'RET-A' }, onHand: 3, available: 3 },
          { sku: { code: 'RET-B' }, onHand: 2, available: 2 },
        ],
        userErrors: [],
      });
      expect((await movements('RET-A')).movements[0]).toEqual({
        kind: 'RETURN',
        quantity: 1,
        onHandDelta: 1,
        reservedDelta: 0,
        reference: 'ORDER-9',
        reason: 'wrong fitment',
        actor: 'staff-test',
        warehouse: { id: warehouseId },
      });
      expect((await movements('RET-B')).movements).toEqual([
        expect.objectContaining({ kind: 'RETURN', quantity: 2, reference: 'ORDER-9' }),
      ]);
      expect((await system.reconcile()).discrepancies).toEqual([]);
    });
  });

  describe('reorder points', () => {
    let warehouseId: string;
    beforeAll(async () => {
      warehouseId = await system.createWarehouse('LOW-WH');
      await system.receive(warehouseId, [
        { skuCode: 'LOW-A', quantity: 10 },
        { skuCode: 'LOW-B', quantity: 3 },
        { skuCode: 'LOW-C', quantity: 20 },
      ]);
    });

    const setReorderPoint = (skuCode: string, reorderPoint: number | null) =>
      system.mutate<{ level: Level | null }>('setReorderPoint', { warehouseId, skuCode, reorderPoint }, `level { ${LEVEL_FIELDS} }`);
    const lowStock = async () =>
      (
        await query<{ lowStockLevels: Level[] }>(
          `query ($warehouseId: ID) { lowStockLevels(warehouseId: $warehouseId) { ${LEVEL_FIELDS} } }`,
          {
            warehouseId,
          },
        )
      ).lowStockLevels;

    it('marks a level at or under its reorder point as low stock and lists it, lowest availability first', async () => {
      const atPoint = await setReorderPoint('LOW-A', 10);
      expect(atPoint.userErrors).toEqual([]);
      expect(atPoint.level).toMatchObject({ sku: { code: 'LOW-A' }, onHand: 10, reorderPoint: 10, lowStock: true });
      expect((await setReorderPoint('LOW-B', 5)).level).toMatchObject({ available: 3, reorderPoint: 5, lowStock: true });
      expect((await setReorderPoint('LOW-C', 5)).level).toMatchObject({ available: 20, reorderPoint: 5, lowStock: false });

      expect((await lowStock()).map((level) => [level.sku.code, level.available, level.lowStock])).toEqual([
        ['LOW-B', 3, true],
        ['LOW-A', 10, true],
      ]);
    });

    it('drops a level from low stock once it rises above its reorder point', async () => {
      await system.receive(warehouseId, [{ skuCode: 'LOW-A', quantity: 1 }]);
      expect((await lowStock()).map((level) => level.sku.code)).toEqual(['LOW-B']);
      const [level] = await levels(['LOW-A']);
      expect(level).toMatchObject({ available: 11, reorderPoint: 10, lowStock: false });
    });

    it('removes a reorder point when it is set to null', async () => {
      expect((await setReorderPoint('LOW-B', null)).level).toMatchObject({ reorderPoint: null, lowStock: false });
      expect(await lowStock()).toEqual([]);
    });

    it('takes a reorder point before the first receipt, on an empty level that is low stock at once', async () => {
      const before = await movements('LOW-D');
      expect((await setReorderPoint('LOW-D', 2)).level).toMatchObject({ onHand: 0, available: 0, reorderPoint: 2, lowStock: true });
      expect((await lowStock()).map((level) => level.sku.code)).toEqual(['LOW-D']);
      expect(await movements('LOW-D')).toEqual(before);
      expect((await system.reconcile()).discrepancies).toEqual([]);
    });
  });

  describe('warehouses', () => {
    type Warehouse = { id: string; code: string; name: string; region: string; priority: number; active: boolean; createdAt: string };
    const WAREHOUSE_FIELDS = 'id code name region priority active createdAt';
    let created: Warehouse;

    const listed = async (includeInactive: boolean) =>
      (
        await query<{ warehouses: { code: string }[] }>('query ($all: Boolean) { warehouses(includeInactive: $all) { code } }', {
          all: includeInactive,
        })
      ).warehouses.map((warehouse) => warehouse.code);

    it('creates a warehouse', async () => {
      const payload = await system.mutate<{ warehouse: Warehouse }>(
        'createWarehouse',
        { code: 'WH-T1', name: 'Test Hangzhou', region: 'East', priority: 5 },
        `warehouse { ${WAREHOUSE_FIELDS} }`,
      );
      expect(payload).toEqual({
        warehouse: {
          id: expect.any(String),
          code: 'WH-T1',
          name: 'Test Hangzhou',
          region: 'East',
          priority: 5,
          active: true,
          createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T.*Z$/),
        },
        userErrors: [],
      });
      created = payload.warehouse;
      const found = await query<{ warehouse: Warehouse }>(`query ($id: ID!) { warehouse(id: $id) { ${WAREHOUSE_FIELDS} } }`, {
        id: created.id,
      });
      expect(found.warehouse).toEqual(created);
    });

    it('refuses a second warehouse with the same code (DUPLICATE_CODE) and writes nothing', async () => {
      const before = await snapshot();
      const payload = await system.mutate<{ warehouse: unknown }>(
        'createWarehouse',
        { code: 'WH-T1', name: 'Another', region: 'North' },
        'warehouse { id }',
      );
      expect(payload).toEqual({
        warehouse: null,
        userErrors: [{ code: 'DUPLICATE_CODE', field: 'input.code', message: expect.stringContaining('WH-T1') }],
      });
      expect(await snapshot()).toEqual(before);
    });

    it('updates a warehouse’s priority and deactivates it', async () => {
      const payload = await system.mutate<{ warehouse: Warehouse }>(
        'updateWarehouse',
        { id: created.id, priority: 7, active: false },
        `warehouse { ${WAREHOUSE_FIELDS} }`,
      );
      expect(payload).toEqual({ warehouse: { ...created, priority: 7, active: false }, userErrors: [] });
      expect(await listed(false)).not.toContain('WH-T1');
      expect(await listed(true)).toContain('WH-T1');
    });

    it('leaves an inactive warehouse out of stock levels and SKU totals, and refuses receipts into it', async () => {
      const active = await system.createWarehouse('WH-T2', 6);
      await system.receive(active, [{ skuCode: 'WH-A', quantity: 5 }]);
      await system.mutate('updateWarehouse', { id: created.id, active: true }, 'warehouse { id }');
      await system.receive(created.id, [{ skuCode: 'WH-A', quantity: 7 }]);
      // Most important warehouse first: WH-T2 has priority 6, WH-T1 was moved to 7.
      expect((await levels(['WH-A'])).map((level) => [level.warehouse.code, level.onHand])).toEqual([
        ['WH-T2', 5],
        ['WH-T1', 7],
      ]);
      await system.mutate('updateWarehouse', { id: created.id, active: false }, 'warehouse { id }');

      expect((await levels(['WH-A'])).map((level) => [level.warehouse.code, level.onHand])).toEqual([['WH-T2', 5]]);
      // What the router asks for Sku.stock: the entity's totals count active warehouses only.
      const entities = await query<{
        _entities: { stock: { onHand: number; available: number; levels: { warehouse: { code: string } }[] } }[];
      }>(
        'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Sku { stock { onHand available levels { warehouse { code } } } } } }',
        { r: [{ __typename: 'Sku', code: 'WH-A' }] },
      );
      expect(entities._entities).toEqual([{ stock: { onHand: 5, available: 5, levels: [{ warehouse: { code: 'WH-T2' } }] } }]);

      const before = await snapshot();
      const refused = await system.mutate(
        'receiveStock',
        { warehouseId: created.id, reference: 'WH-T1-CLOSED', lines: [{ skuCode: 'WH-A', quantity: 1 }] },
        'receipt { id }',
      );
      expect(refused.userErrors).toEqual([
        { code: 'WAREHOUSE_INACTIVE', field: 'input.warehouseId', message: expect.stringContaining('WH-T1') },
      ]);
      expect(await snapshot()).toEqual(before);
    });
  });

  describe('bad input', () => {
    let warehouseId: string;
    let otherId: string;
    beforeAll(async () => {
      warehouseId = await system.createWarehouse('BAD-WH');
      otherId = await system.createWarehouse('BAD-WH-2');
      // BAD-A is costed in CNY here and in USD in the other warehouse: a level keeps one cost currency.
      for (const [id, reference, currencyCode] of [
        [warehouseId, 'BAD-OPENING', 'CNY'],
        [otherId, 'BAD-OPENING-2', 'USD'],
      ] as const) {
        const opening = await system.mutate(
          'receiveStock',
          { warehouseId: id, reference, lines: [{ skuCode: 'BAD-A', quantity: 5, unitCost: { amount: '3.00', currencyCode } }] },
          'receipt { id }',
        );
        expect(opening.userErrors).toEqual([]);
      }
    });

    type Case = [
      description: string,
      mutation: string,
      input: (ids: { warehouseId: string; otherId: string }) => Record<string, unknown>,
      code: string,
      field: string,
    ];
    const line = (skuCode: string, quantity: number) => ({ skuCode, quantity });
    const cny = (amount: string) => ({ amount, currencyCode: 'CNY' });
    const cases: Case[] = [
      [
        'a SKU the catalogue lacks',
        'receiveStock',
        (ids) => ({ warehouseId: ids.warehouseId, reference: 'BAD-1', lines: [line('NOT-IN-CATALOGUE', 1)] }),
        'UNKNOWN_SKU',
        'input.lines[0].skuCode',
      ],
      [
        'a warehouse that does not exist',
        'receiveStock',
        () => ({ warehouseId: 'no-such-warehouse', reference: 'BAD-2', lines: [line('BAD-A', 1)] }),
        'UNKNOWN_WAREHOUSE',
        'input.warehouseId',
      ],
      [
        'a zero quantity',
        'receiveStock',
        (ids) => ({ warehouseId: ids.warehouseId, reference: 'BAD-3', lines: [line('BAD-A', 0)] }),
        'INVALID_VALUE',
        'input.lines[0].quantity',
      ],
      [
        'a negative quantity',
        'receiveStock',
        (ids) => ({ warehouseId: ids.warehouseId, reference: 'BAD-4', lines: [line('BAD-A', -3)] }),
        'INVALID_VALUE',
        'input.lines[0].quantity',
      ],
      [
        'a malformed SKU code',
        'receiveStock',
        (ids) => ({ warehouseId: ids.warehouseId, reference: 'BAD-5', lines: [line('bad code!', 1)] }),
        'INVALID_VALUE',
        'input.lines[0].skuCode',
      ],
      [
        'no lines',
        'receiveStock',
        (ids) => ({ warehouseId: ids.warehouseId, reference: 'BAD-6', lines: [] }),
        'INVALID_VALUE',
        'input.lines',
      ],
      [
        'the same SKU on two lines',
        'receiveStock',
        (ids) => ({ warehouseId: ids.warehouseId, reference: 'BAD-7', lines: [line('BAD-A', 1), line('BAD-A', 2)] }),
        'INVALID_VALUE',
        'input.lines[1].skuCode',
      ],
      [
        'an empty reference',
        'receiveStock',
        (ids) => ({ warehouseId: ids.warehouseId, reference: '  ', lines: [line('BAD-A', 1)] }),
        'INVALID_VALUE',
        'input.reference',
      ],
      [
        'a negative unit cost',
        'receiveStock',
        (ids) => ({ warehouseId: ids.warehouseId, reference: 'BAD-8', lines: [{ ...line('BAD-A', 1), unitCost: cny('-1.00') }] }),
        'INVALID_VALUE',
        'input.lines[0].unitCost',
      ],
      [
        'a unit cost with more decimals than its currency has',
        'receiveStock',
        (ids) => ({ warehouseId: ids.warehouseId, reference: 'BAD-9', lines: [{ ...line('BAD-A', 1), unitCost: cny('1.005') }] }),
        'INVALID_VALUE',
        'input.lines[0].unitCost',
      ],
      [
        'a unit cost in another currency than the level’s',
        'receiveStock',
        (ids) => ({
          warehouseId: ids.warehouseId,
          reference: 'BAD-9B',
          // The first line is booked before the second is refused: the refusal must roll it back.
          lines: [
            { ...line('PO-C', 1), unitCost: cny('1.00') },
            { ...line('BAD-A', 1), unitCost: { amount: '1.00', currencyCode: 'USD' } },
          ],
        }),
        'INVALID_VALUE',
        'input.lines[1].unitCost',
      ],
      [
        'a purchase order that does not exist',
        'receiveStock',
        (ids) => ({ warehouseId: ids.warehouseId, reference: 'BAD-10', purchaseOrderId: 'no-such-order', lines: [line('BAD-A', 1)] }),
        'UNKNOWN_PURCHASE_ORDER',
        'input.purchaseOrderId',
      ],
      [
        'a zero delta',
        'adjustStock',
        (ids) => ({ warehouseId: ids.warehouseId, skuCode: 'BAD-A', delta: 0, reason: 'stock-take' }),
        'INVALID_VALUE',
        'input.delta',
      ],
      [
        'a delta that takes stock below zero',
        'adjustStock',
        (ids) => ({ warehouseId: ids.warehouseId, skuCode: 'BAD-A', delta: -6, reason: 'stock-take' }),
        'INSUFFICIENT_STOCK',
        'input.delta',
      ],
      [
        'an empty reason',
        'adjustStock',
        (ids) => ({ warehouseId: ids.warehouseId, skuCode: 'BAD-A', delta: 1, reason: '   ' }),
        'INVALID_VALUE',
        'input.reason',
      ],
      [
        'a warehouse that does not exist',
        'adjustStock',
        () => ({ warehouseId: 'no-such-warehouse', skuCode: 'BAD-A', delta: 1, reason: 'stock-take' }),
        'UNKNOWN_WAREHOUSE',
        'input.warehouseId',
      ],
      [
        'a SKU the catalogue lacks',
        'adjustStock',
        (ids) => ({ warehouseId: ids.warehouseId, skuCode: 'NOT-IN-CATALOGUE', delta: 1, reason: 'found' }),
        'UNKNOWN_SKU',
        'input.skuCode',
      ],
      [
        'the same warehouse on both ends',
        'transferStock',
        (ids) => ({ fromWarehouseId: ids.warehouseId, toWarehouseId: ids.warehouseId, reference: 'BAD-11', lines: [line('BAD-A', 1)] }),
        'SAME_WAREHOUSE',
        'input.toWarehouseId',
      ],
      [
        'a zero quantity',
        'transferStock',
        (ids) => ({ fromWarehouseId: ids.warehouseId, toWarehouseId: ids.otherId, reference: 'BAD-12', lines: [line('BAD-A', 0)] }),
        'INVALID_VALUE',
        'input.lines[0].quantity',
      ],
      [
        'a destination whose level is costed in another currency',
        'transferStock',
        (ids) => ({ fromWarehouseId: ids.warehouseId, toWarehouseId: ids.otherId, reference: 'BAD-12B', lines: [line('BAD-A', 1)] }),
        'INVALID_VALUE',
        'input.lines[0].skuCode',
      ],
      [
        'a destination that does not exist',
        'transferStock',
        (ids) => ({ fromWarehouseId: ids.warehouseId, toWarehouseId: 'no-such-warehouse', reference: 'BAD-13', lines: [line('BAD-A', 1)] }),
        'UNKNOWN_WAREHOUSE',
        'input.toWarehouseId',
      ],
      [
        'a negative quantity',
        'returnStock',
        (ids) => ({ warehouseId: ids.warehouseId, reference: 'BAD-14', lines: [line('BAD-A', -1)] }),
        'INVALID_VALUE',
        'input.lines[0].quantity',
      ],
      [
        'a SKU the catalogue lacks',
        'returnStock',
        (ids) => ({ warehouseId: ids.warehouseId, reference: 'BAD-15', lines: [line('NOT-IN-CATALOGUE', 1)] }),
        'UNKNOWN_SKU',
        'input.lines[0].skuCode',
      ],
      [
        'a negative reorder point',
        'setReorderPoint',
        (ids) => ({ warehouseId: ids.warehouseId, skuCode: 'BAD-A', reorderPoint: -1 }),
        'INVALID_VALUE',
        'input.reorderPoint',
      ],
      [
        'a SKU the catalogue lacks',
        'setReorderPoint',
        (ids) => ({ warehouseId: ids.warehouseId, skuCode: 'NOT-IN-CATALOGUE', reorderPoint: 3 }),
        'UNKNOWN_SKU',
        'input.skuCode',
      ],
      [
        'lines in two currencies',
        'createPurchaseOrder',
        (ids) => ({
          supplierId: 'supplier-1',
          warehouseId: ids.warehouseId,
          lines: [
            { ...line('BAD-A', 1), unitCost: cny('1.00') },
            { ...line('PO-C', 1), unitCost: { amount: '1.00', currencyCode: 'USD' } },
          ],
        }),
        'INVALID_VALUE',
        'input.lines',
      ],
      [
        'a SKU the catalogue lacks',
        'createPurchaseOrder',
        (ids) => ({
          supplierId: 'supplier-1',
          warehouseId: ids.warehouseId,
          lines: [{ ...line('NOT-IN-CATALOGUE', 1), unitCost: cny('1.00') }],
        }),
        'UNKNOWN_SKU',
        'input.lines[0].skuCode',
      ],
      [
        'no lines',
        'createPurchaseOrder',
        (ids) => ({ supplierId: 'supplier-1', warehouseId: ids.warehouseId, lines: [] }),
        'INVALID_VALUE',
        'input.lines',
      ],
      [
        'an empty supplier',
        'createPurchaseOrder',
        (ids) => ({ supplierId: ' ', warehouseId: ids.warehouseId, lines: [{ ...line('BAD-A', 1), unitCost: cny('1.00') }] }),
        'INVALID_VALUE',
        'input.supplierId',
      ],
      [
        'a purchase order that does not exist',
        'closePurchaseOrder',
        () => ({ purchaseOrderId: 'no-such-order' }),
        'UNKNOWN_PURCHASE_ORDER',
        'input.purchaseOrderId',
      ],
      ['a malformed code', 'createWarehouse', () => ({ code: 'sh 01', name: 'Lower case', region: 'East' }), 'INVALID_VALUE', 'input.code'],
      ['an empty name', 'createWarehouse', () => ({ code: 'BAD-NAME', name: '', region: 'East' }), 'INVALID_VALUE', 'input.name'],
      ['a negative priority', 'updateWarehouse', (ids) => ({ id: ids.otherId, priority: -1 }), 'INVALID_VALUE', 'input.priority'],
      [
        'a warehouse that does not exist',
        'updateWarehouse',
        () => ({ id: 'no-such-warehouse', active: false }),
        'UNKNOWN_WAREHOUSE',
        'input.id',
      ],
    ];
    const payloadKey: Record<string, string> = {
      receiveStock: 'receipt { id }',
      adjustStock: 'level { onHand }',
      transferStock: 'transfer { reference }',
      returnStock: 'levels { onHand }',
      setReorderPoint: 'level { onHand }',
      createPurchaseOrder: 'purchaseOrder { id }',
      closePurchaseOrder: 'purchaseOrder { id }',
      createWarehouse: 'warehouse { id }',
      updateWarehouse: 'warehouse { id }',
    };

    it.each(cases)('refuses %s on %s with a user error and writes nothing', async (_, mutation, input, code, field) => {
      const before = await snapshot();
      const payload = await system.mutate<Record<string, unknown>>(mutation, input({ warehouseId, otherId }), payloadKey[mutation]!);
      const [key] = Object.keys(payload).filter((name) => name !== 'userErrors');
      expect(payload[key!]).toBeNull();
      expect(payload.userErrors).toContainEqual({ code, field, message: expect.any(String) });
      for (const error of payload.userErrors) expect(error.message.length).toBeGreaterThan(10);
      expect(await snapshot()).toEqual(before);
    });

    it('reports every problem of an input at once', async () => {
      const payload = await system.mutate<{ receipt: unknown }>(
        'receiveStock',
        { warehouseId: 'no-such-warehouse', reference: '', lines: [line('BAD-A', 0), line('NOT-IN-CATALOGUE', 1)] },
        'receipt { id }',
      );
      expect(payload.userErrors.map((error) => [error.code, error.field]).sort()).toEqual([
        ['INVALID_VALUE', 'input.lines[0].quantity'],
        ['INVALID_VALUE', 'input.reference'],
        ['UNKNOWN_SKU', 'input.lines[1].skuCode'],
        ['UNKNOWN_WAREHOUSE', 'input.warehouseId'],
      ]);
    });
  });

  describe('scopes, checked again by the subgraph', () => {
    it('refuses a mutation to a caller holding only stock:read, with FORBIDDEN, and writes nothing', async () => {
      const warehouseId = await system.createWarehouse('AUTH-WH');
      const before = await snapshot();
      const result = await system.stock.request(
        'mutation ($input: ReceiveStockInput!) { receiveStock(input: $input) { receipt { id } userErrors { code } } }',
        { input: { warehouseId, reference: 'AUTH-1', lines: [{ skuCode: 'AUTH-A', quantity: 1 }] } },
        stockReader,
      );
      expect(result.data ?? null).toBeNull();
      expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(result.errors?.[0]?.message).toMatch(/stock:write/);
      expect(await snapshot()).toEqual(before);
    });

    it('refuses the ledger to an anonymous caller but answers its stock levels', async () => {
      const ledger: GraphQLResponse = await system.stock.request('{ stockMovements(skuCode: "RCV-A") { totalCount } }');
      expect(ledger.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(ledger.errors?.[0]?.message).toMatch(/stock:read/);

      const stock = await system.stock.request<{ stockLevels: { sku: { code: string }; onHand: number; available: number }[] }>(
        '{ stockLevels(skuCodes: ["RCV-A"]) { sku { code } onHand available } }',
      );
      expect(stock.errors).toBeUndefined();
      expect(stock.data!.stockLevels).toEqual([{ sku: { code: 'RCV-A' }, onHand: 15, available: 15 }]);
    });

    it('keeps unit costs from an anonymous caller', async () => {
      const stock = await system.stock.request<{ stockLevels: { unitCost: unknown }[] }>(
        '{ stockLevels(skuCodes: ["VAL-A"]) { onHand unitCost { amount } } }',
      );
      expect(stock.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(stock.data?.stockLevels?.[0]?.unitCost ?? null).toBeNull();
    });
  });

  describe('the ledger', () => {
    it('reconciles with every level after all of the above', async () => {
      const reconciliation = await system.reconcile();
      expect(reconciliation.discrepancies).toEqual([]);
      expect(reconciliation.checkedLevels).toBe((await snapshot()).stock_level);
    });
  });
});

describe('stock inventory on MySQL', () => {
  reportSkippedMysql();
});
