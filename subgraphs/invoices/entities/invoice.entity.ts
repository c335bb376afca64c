import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

export type InvoiceKind = 'INVOICE' | 'CREDIT_NOTE';
export type InvoiceStatus = 'REQUESTED' | 'ISSUED' | 'REJECTED' | 'VOIDED';
export type BuyerType = 'COMPANY' | 'PERSON';

/**
 * An invoice request, an issued invoice or a credit note. Once issued, only
 * its status and the links to its credit notes ever change: number, lines and
 * amounts are fixed. `activeOrderId` holds the order id while an invoice of the
 * order is REQUESTED or ISSUED and is unique, so an order has one open
 * request or valid invoice. `(series, sequenceNumber)` and `number` are unique;
 * `refundId` (a credit note made for a refund) is unique too.
 */
export const InvoiceEntity = defineEntity({
  name: 'Invoice',
  tableName: 'invoice',
  properties: {
    id: p.string().primary(),
    kind: p.string().$type<InvoiceKind>(),
    status: p.string().$type<InvoiceStatus>(),
    orderId: p.string(),
    orderNumber: p.string(),
    memberId: p.string().nullable(),
    activeOrderId: p.string().nullable(),
    buyerType: p.string().$type<BuyerType>(),
    buyerName: p.string(),
    buyerTaxId: p.string().nullable(),
    buyerEmail: p.string(),
    requestedBy: p.string(),
    series: p.string().nullable(),
    sequenceNumber: p.integer().nullable(),
    number: p.string().nullable(),
    currency: p.string().nullable(),
    subtotalMinor: p.integer().nullable(),
    taxMinor: p.integer().nullable(),
    totalMinor: p.integer().nullable(),
    creditedInvoiceId: p.string().nullable(),
    creditNoteId: p.string().nullable(),
    refundId: p.string().nullable(),
    reason: p.string().nullable(),
    rejectionReason: p.string().nullable(),
    issuedBy: p.string().nullable(),
    issuedAt: p.datetime().nullable(),
    version: p.integer(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  },
});
export type Invoice = InferEntity<typeof InvoiceEntity>;

/** A line of an issued invoice or credit note; amounts in the invoice's currency, negative on a credit note. */
export const InvoiceLineEntity = defineEntity({
  name: 'InvoiceLine',
  tableName: 'invoice_line',
  properties: {
    id: p.string().primary(),
    invoiceId: p.string(),
    position: p.integer(),
    skuCode: p.string(),
    description: p.string(),
    quantity: p.integer(),
    unitPriceMinor: p.integer(),
    discountMinor: p.integer(),
    amountMinor: p.integer(),
    /** Basis points: 1300 is 13 %. */
    taxRateBp: p.integer(),
    taxMinor: p.integer(),
    netMinor: p.integer(),
    /** On a credit note: the invoice line it credits. */
    creditedLineId: p.string().nullable(),
  },
});
export type InvoiceLine = InferEntity<typeof InvoiceLineEntity>;

/**
 * Every RefundSucceeded of payments, kept whether or not the order has an
 * issued invoice yet: `creditNoteId` is set once a credit note covers it (at
 * once, or when the order's invoice is issued later).
 */
export const OrderRefundEntity = defineEntity({
  name: 'OrderRefund',
  tableName: 'order_refund',
  properties: {
    refundId: p.string().primary(),
    orderId: p.string(),
    paymentId: p.string(),
    amountMinor: p.integer(),
    currency: p.string(),
    fullRefund: p.boolean(),
    creditNoteId: p.string().nullable(),
    receivedAt: p.datetime(),
  },
});
export type OrderRefund = InferEntity<typeof OrderRefundEntity>;
