import type { GraphQLResolverMap } from '@apollo/subgraph';
import { liveEvents } from '../../platform/graphql/live-events.ts';
import { scalarResolvers } from '../../platform/graphql/scalars.ts';
import { selectsField } from '../../platform/graphql/selection.ts';
import { moneyView } from '../../platform/values/money.ts';
import type { StockContext } from './context.ts';
import * as costing from './costing.ts';
import type { PurchaseOrder, PurchaseOrderLine } from './entities/purchase-order.entity.ts';
import type { Receipt, ReceiptLine } from './entities/receipt.entity.ts';
import type { Reservation, ReservationLine } from './entities/reservation.entity.ts';
import type { StockMovement } from './entities/stock-movement.entity.ts';
import * as inventory from './inventory.ts';
import { STOCK_CHANGED, type StockChangedEvent } from './ledger.ts';
import * as levels from './levels.ts';
import * as purchasing from './purchasing.ts';
import * as receiving from './receiving.ts';
import * as reservations from './reservations.ts';
import * as warehouses from './warehouses.ts';

/** Thin: parse arguments, call the services, shape the result. */
type Input<T> = { input: T };
const sku = (code: string) => ({ __typename: 'Sku', code });
const warehouseOf = (ctx: StockContext, row: { warehouseId: string }) => ctx.loaders.warehouseById.load(row.warehouseId);

export const resolvers: GraphQLResolverMap<StockContext> = {
  ...scalarResolvers,
  Query: {
    warehouses: (_, { includeInactive }: { includeInactive: boolean }, ctx) => warehouses.listWarehouses(ctx, includeInactive),
    warehouse: (_, { id }: { id: string }, ctx) => warehouses.warehouseById(ctx, id),
    stockLevels: (_, { skuCodes }: { skuCodes: string[] }, ctx) => levels.stockLevels(ctx, skuCodes),
    lowStockLevels: (_, { warehouseId }: { warehouseId?: string | null }, ctx) => levels.lowStockLevels(ctx, warehouseId),
    stockMovements: (_, args, ctx) => levels.stockMovements(ctx, args),
    stockReconciliation: (_, __, ctx) => levels.stockReconciliation(ctx),
    reservation: (_, { reference }: { reference: string }, ctx) => reservations.reservationByReference(ctx, reference),
    purchaseOrders: (_, args, ctx) => purchasing.purchaseOrders(ctx, args),
    purchaseOrder: (_, { id }: { id: string }, ctx) => purchasing.purchaseOrderById(ctx, id),
    stockValuation: (_, __, ctx) => costing.stockValuation(ctx),
  },
  Mutation: {
    createWarehouse: (_, { input }: Input<warehouses.CreateWarehouseInput>, ctx) => warehouses.createWarehouse(ctx, input),
    updateWarehouse: (_, { input }: Input<warehouses.UpdateWarehouseInput>, ctx) => warehouses.updateWarehouse(ctx, input),
    receiveStock: (_, { input }: Input<receiving.ReceiveStockInput>, ctx) => receiving.receiveStock(ctx, input),
    adjustStock: (_, { input }: Input<inventory.AdjustStockInput>, ctx) => inventory.adjustStock(ctx, input),
    transferStock: (_, { input }: Input<inventory.TransferStockInput>, ctx) => inventory.transferStock(ctx, input),
    returnStock: (_, { input }: Input<inventory.ReturnStockInput>, ctx) => inventory.returnStock(ctx, input),
    setReorderPoint: (_, { input }: Input<inventory.SetReorderPointInput>, ctx) => inventory.setReorderPoint(ctx, input),
    createPurchaseOrder: (_, { input }: Input<purchasing.CreatePurchaseOrderInput>, ctx) => purchasing.createPurchaseOrder(ctx, input),
    closePurchaseOrder: (_, { input }: Input<{ purchaseOrderId: string }>, ctx) =>
      purchasing.closePurchaseOrder(ctx, input.purchaseOrderId),
    reserveStock: (_, { input }: Input<Parameters<typeof reservations.reserveStock>[1]>, ctx) => reservations.reserveStock(ctx, input),
    releaseReservation: (_, { input }: Input<{ reference: string }>, ctx) => reservations.releaseReservation(ctx, input.reference),
    commitReservation: (_, { input }: Input<{ reference: string }>, ctx) => reservations.commitReservation(ctx, input.reference),
    extendReservation: (_, { input }: Input<{ reference: string; ttlSeconds: number }>, ctx) => reservations.extendReservation(ctx, input),
  },
  Subscription: {
    stockChanged: {
      subscribe: (_: unknown, { skuCodes }: { skuCodes?: string[] | null }, ctx: StockContext) => {
        const wanted = skuCodes?.length ? new Set(skuCodes) : null;
        return liveEvents<StockChangedEvent>(ctx, [STOCK_CHANGED], (event) => !wanted || wanted.has(event.data.skuCode));
      },
      resolve: (event: { data: StockChangedEvent }) => event.data,
    },
  },
  ProductFacets: {
    // The representation carries the matched products (`@requires`); nothing to load.
    __resolveReference: (facets: { resultKey: string }) => facets,
    inStock: (facets: { matchedProducts: { productId: string; skuCodes: string[] }[] }, _, ctx) =>
      levels.inStockFacet(ctx, facets.matchedProducts),
  },
  Sku: {
    __resolveReference: ({ code }: { code: string }) => ({ code }),
    stock: ({ code }: { code: string }, _, ctx, info) => levels.skuStock(ctx, code, selectsField(info, 'levels')),
  },
  Warehouse: {
    __resolveReference: ({ id }: { id: string }, ctx: StockContext) => warehouses.warehouseById(ctx, id),
  },
  StockLevel: {
    sku: (level: levels.LevelView) => sku(level.skuCode),
    available: (level: levels.LevelView) => levels.available(level),
    lowStock: (level: levels.LevelView) => levels.isLowStock(level),
    unitCost: (level: levels.LevelView) => levels.unitCostOf(level),
  },
  StockMovement: {
    sku: (movement: StockMovement) => sku(movement.skuCode),
    warehouse: (movement: StockMovement, _, ctx) => warehouseOf(ctx, movement),
  },
  StockDiscrepancy: {
    sku: (row: { skuCode: string }) => sku(row.skuCode),
    warehouse: (row: { warehouseId: string }, _, ctx) => warehouseOf(ctx, row),
  },
  StockChange: {
    sku: (change: StockChangedEvent) => sku(change.skuCode),
    warehouse: (change: StockChangedEvent, _, ctx) => warehouseOf(ctx, change),
    reason: (change: StockChangedEvent) => [change.kind, change.reference, change.reason].filter(Boolean).join(' '),
  },
  Reservation: {
    lines: (reservation: Reservation, _, ctx) => ctx.loaders.reservationLines.load(reservation.reference),
  },
  ReservationLine: {
    sku: (line: ReservationLine) => sku(line.skuCode),
    warehouse: (line: ReservationLine, _, ctx) => warehouseOf(ctx, line),
  },
  Receipt: {
    warehouse: (receipt: Receipt, _, ctx) => warehouseOf(ctx, receipt),
    purchaseOrder: (receipt: Receipt, _, ctx) =>
      receipt.purchaseOrderId ? purchasing.purchaseOrderById(ctx, receipt.purchaseOrderId) : null,
    lines: (receipt: Receipt, _, ctx) => ctx.loaders.receiptLines.load(receipt.id),
  },
  ReceiptLine: {
    sku: (line: ReceiptLine) => sku(line.skuCode),
    unitCost: (line: ReceiptLine) =>
      line.unitCostMinor == null || line.currency == null ? null : moneyView(line.unitCostMinor, line.currency),
  },
  TransferLine: {
    sku: (line: { skuCode: string }) => sku(line.skuCode),
  },
  PurchaseOrder: {
    warehouse: (order: PurchaseOrder, _, ctx) => warehouseOf(ctx, order),
    lines: (order: PurchaseOrder, _, ctx) =>
      ctx.loaders.purchaseOrderLines.load(order.id).then((lines) => lines.map((line) => ({ ...line, currency: order.currency }))),
    total: (order: PurchaseOrder, _, ctx) => purchasing.purchaseOrderTotal(ctx, order),
  },
  PurchaseOrderLine: {
    sku: (line: PurchaseOrderLine) => sku(line.skuCode),
    unitCost: (line: PurchaseOrderLine & { currency: string }) => moneyView(line.unitCostMinor, line.currency),
  },
};
