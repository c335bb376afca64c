import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

export const PURCHASE_ORDER_STATUSES = ['ORDERED', 'PARTIALLY_RECEIVED', 'RECEIVED', 'CLOSED'] as const;
export type PurchaseOrderStatus = (typeof PURCHASE_ORDER_STATUSES)[number];

export const PurchaseOrderEntity = defineEntity({
  name: 'PurchaseOrder',
  tableName: 'purchase_order',
  properties: {
    id: p.string().primary(),
    reference: p.string(),
    supplierId: p.string(),
    warehouseId: p.string(),
    status: p.string().$type<PurchaseOrderStatus>(),
    currency: p.string(),
    actor: p.string().nullable(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  },
});
export type PurchaseOrder = InferEntity<typeof PurchaseOrderEntity>;

export const PurchaseOrderLineEntity = defineEntity({
  name: 'PurchaseOrderLine',
  tableName: 'purchase_order_line',
  properties: {
    id: p.string().primary(),
    purchaseOrderId: p.string(),
    position: p.integer(),
    skuCode: p.string(),
    quantityOrdered: p.integer(),
    quantityReceived: p.integer(),
    unitCostMinor: p.integer(),
  },
});
export type PurchaseOrderLine = InferEntity<typeof PurchaseOrderLineEntity>;
