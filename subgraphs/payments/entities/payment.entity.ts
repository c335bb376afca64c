import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

export const PAYMENT_CHANNELS = ['WECHAT_PAY', 'ALIPAY', 'BANK_TRANSFER', 'CASH'] as const;
export type PaymentChannel = (typeof PAYMENT_CHANNELS)[number];
export type PaymentStatus = 'PENDING' | 'SUCCEEDED' | 'PARTIALLY_REFUNDED' | 'REFUNDED' | 'CLOSED';
export type RefundStatus = 'PENDING' | 'SUCCEEDED' | 'FAILED';

/**
 * A payment of one order through one channel. Amounts are minor units of
 * `currency`. `activeOrderId` holds the order id while the payment is pending
 * or paid and is unique, so an order never has two active payments.
 * `refundedMinor` is what refunds have claimed (pending or succeeded); a
 * conditional UPDATE keeps it within `amountMinor` (a CHECK repeats the rule).
 * `(caller, idempotencyKey)` is unique, and the id is derived from that pair.
 */
export const PaymentEntity = defineEntity({
  name: 'Payment',
  tableName: 'payment',
  properties: {
    id: p.string().primary(),
    orderId: p.string(),
    orderNumber: p.string(),
    memberId: p.string().nullable(),
    channel: p.string().$type<PaymentChannel>(),
    status: p.string().$type<PaymentStatus>(),
    currency: p.string(),
    amountMinor: p.integer(),
    refundedMinor: p.integer(),
    refundSettledMinor: p.integer(),
    outTradeNo: p.string(),
    activeOrderId: p.string().nullable(),
    transferReference: p.string().nullable(),
    qrCodeUrl: p.string().nullable(),
    providerReference: p.string().nullable(),
    caller: p.string(),
    idempotencyKey: p.string(),
    request: p.text(),
    paidAt: p.datetime().nullable(),
    closedAt: p.datetime().nullable(),
    version: p.integer(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  },
});
export type Payment = InferEntity<typeof PaymentEntity>;

/** A refund of (part of) a payment; the provider's signed callback (or answer) completes it. */
export const RefundEntity = defineEntity({
  name: 'Refund',
  tableName: 'refund',
  properties: {
    id: p.string().primary(),
    paymentId: p.string(),
    orderId: p.string(),
    status: p.string().$type<RefundStatus>(),
    currency: p.string(),
    amountMinor: p.integer(),
    reason: p.string(),
    outRefundNo: p.string(),
    providerReference: p.string().nullable(),
    failureReason: p.string().nullable(),
    caller: p.string(),
    idempotencyKey: p.string(),
    request: p.text(),
    createdAt: p.datetime(),
    completedAt: p.datetime().nullable(),
  },
});
export type Refund = InferEntity<typeof RefundEntity>;
