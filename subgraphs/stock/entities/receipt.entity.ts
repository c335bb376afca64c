import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/** Goods received into a warehouse; (warehouse, reference) is unique so a delivery is never booked twice. */
export const ReceiptEntity = defineEntity({
  name: 'Receipt',
  tableName: 'receipt',
  properties: {
    id: p.string().primary(),
    warehouseId: p.string(),
    reference: p.string(),
    supplierId: p.string().nullable(),
    purchaseOrderId: p.string().nullable(),
    actor: p.string().nullable(),
    receivedAt: p.datetime(),
  },
});
export type Receipt = InferEntity<typeof ReceiptEntity>;

export const ReceiptLineEntity = defineEntity({
  name: 'ReceiptLine',
  tableName: 'receipt_line',
  properties: {
    id: p.string().primary(),
    receiptId: p.string(),
    position: p.integer(),
    skuCode: p.string(),
    quantity: p.integer(),
    unitCostMinor: p.integer().nullable(),
    currency: p.string().nullable(),
  },
});
export type ReceiptLine = InferEntity<typeof ReceiptLineEntity>;
