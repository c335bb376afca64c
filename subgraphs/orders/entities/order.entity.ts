import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

export const ORDER_STATUSES = ['PENDING_PAYMENT', 'PAID', 'SHIPPED', 'COMPLETED', 'CANCELLED', 'RETURN_REQUESTED', 'RETURNED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
export type SalesChannel = 'ONLINE' | 'STORE';

/**
 * An order. `(caller, idempotencyKey)` is unique: that, and an id derived
 * from the pair, is what makes a retried checkout return the first order.
 * Amounts are minor units in `currency`. `version` counts status changes.
 */
export const OrderEntity = defineEntity({
  name: 'Order',
  tableName: 'sales_order',
  properties: {
    id: p.string().primary(),
    number: p.string(),
    status: p.string().$type<OrderStatus>(),
    channel: p.string().$type<SalesChannel>(),
    memberId: p.string().nullable(),
    caller: p.string(),
    idempotencyKey: p.string(),
    request: p.text(),
    currency: p.string(),
    subtotalMinor: p.integer(),
    /** Coupon and points (the members subgraph), taken off the subtotal: totalMinor = subtotalMinor - discountMinor. */
    discountMinor: p.integer(),
    couponCode: p.string().nullable(),
    pointsRedeemed: p.integer(),
    totalMinor: p.integer(),
    /** Refunded by the payments subgraph so far (RefundSucceeded); never above totalMinor there. */
    refundedMinor: p.integer(),
    reservationExpiresAt: p.datetime().nullable(),
    shippingJson: p.text().nullable(),
    storeWarehouseId: p.string().nullable(),
    carrier: p.string().nullable(),
    trackingNumber: p.string().nullable(),
    version: p.integer(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  },
});
export type Order = InferEntity<typeof OrderEntity>;

export const OrderLineEntity = defineEntity({
  name: 'OrderLine',
  tableName: 'order_line',
  properties: {
    id: p.string().primary(),
    orderId: p.string(),
    position: p.integer(),
    skuCode: p.string(),
    quantity: p.integer(),
    unitPriceMinor: p.integer(),
    lineTotalMinor: p.integer(),
    returnRequestedQuantity: p.integer(),
    returnedQuantity: p.integer(),
  },
});
export type OrderLine = InferEntity<typeof OrderLineEntity>;

export const OrderHistoryEntity = defineEntity({
  name: 'OrderHistory',
  tableName: 'order_history',
  properties: {
    id: p.string().primary(),
    orderId: p.string(),
    status: p.string().$type<OrderStatus>(),
    previousStatus: p.string().$type<OrderStatus>().nullable(),
    note: p.string().nullable(),
    actor: p.string().nullable(),
    at: p.datetime(),
  },
});
export type OrderHistory = InferEntity<typeof OrderHistoryEntity>;
