import { retryOnLockConflict } from '../../platform/db/conflicts.ts';
import type { Database, EntityManager } from '../../platform/db/database.ts';
import type { EventRecorder } from '../../platform/events/outbox.ts';
import type { Payment, PaymentChannel, Refund } from './entities/payment.entity.ts';
import { closeIfPending, markPaidIfPending, releaseRefundAmount, settleRefundAmount } from './payment-repository.ts';
import { completeIfPending, failIfPending } from './refund-repository.ts';

/**
 * Every change of a payment's or a refund's status. Each is one conditional
 * UPDATE from the status the change starts from (payment-repository.ts,
 * refund-repository.ts), so however often a callback
 * arrives, and however many copies race, exactly one call changes the row;
 * that call, and only that one, records the event in the outbox in the same
 * transaction.
 */
export const PAYMENT_SUCCEEDED = 'PaymentSucceeded';
export const PAYMENT_CLOSED = 'PaymentClosed';
export const REFUND_SUCCEEDED = 'RefundSucceeded';
export const REFUND_FAILED = 'RefundFailed';
/** A payment was created (PENDING, or CASH settled at once): the order's payments list grew. */
export const PAYMENT_CREATED = 'PaymentCreated';
/** A refund was asked for: its amount is claimed from the payment's refundedAmount before the provider answers. */
export const REFUND_REQUESTED = 'RefundRequested';

export type MoneyData = { minor: number; currency: string };
export type PaymentSucceededData = { paymentId: string; orderId: string; amount: MoneyData; channel: PaymentChannel };
export type PaymentClosedData = { paymentId: string; orderId: string; channel: PaymentChannel };
/** `full`: with this refund the payment is refunded completely. */
export type RefundSucceededData = { refundId: string; paymentId: string; orderId: string; amount: MoneyData; full: boolean };
export type PaymentCreatedData = { paymentId: string; orderId: string; channel: PaymentChannel; amount: MoneyData };
export type RefundRequestedData = { refundId: string; paymentId: string; orderId: string; amount: MoneyData };
export type RefundFailedData = { refundId: string; paymentId: string; orderId: string; amount: MoneyData; reason: string };

export type SettlementDeps = { db: Database; events: EventRecorder };

/** The statuses of a payment that was paid (refunds do not undo "was paid"). */
export const PAID_STATUSES = ['SUCCEEDED', 'PARTIALLY_REFUNDED', 'REFUNDED'] as const;

type Paid = Pick<Payment, 'id' | 'orderId' | 'amountMinor' | 'currency' | 'channel'>;

/** Inside `tx`: PENDING -> SUCCEEDED. True only for the one call that made the change. */
export async function markPaid(deps: SettlementDeps, tx: EntityManager, payment: Paid, providerReference: string | null, at: Date) {
  if (!(await markPaidIfPending(deps.db, tx, payment.id, providerReference, at))) return false;
  deps.events.record<PaymentSucceededData>(tx, PAYMENT_SUCCEEDED, payment.orderId, {
    paymentId: payment.id,
    orderId: payment.orderId,
    amount: { minor: payment.amountMinor, currency: payment.currency },
    channel: payment.channel,
  });
  return true;
}

/** A provider (or a bank statement) says the payment was paid: settles it once, in its own transaction. */
export function settle(deps: SettlementDeps, payment: Paid, providerReference: string | null, at = new Date()): Promise<boolean> {
  return retryOnLockConflict(() => deps.db.transaction(deps.db.fork(), (tx) => markPaid(deps, tx, payment, providerReference, at)));
}

/** PENDING -> CLOSED, freeing the order for another payment. */
export function closePending(deps: SettlementDeps, payment: Pick<Payment, 'id' | 'orderId' | 'channel'>, at = new Date()) {
  return retryOnLockConflict(() =>
    deps.db.transaction(deps.db.fork(), async (tx) => {
      if (!(await closeIfPending(deps.db, tx, payment.id, at))) return false;
      deps.events.record<PaymentClosedData>(tx, PAYMENT_CLOSED, payment.orderId, {
        paymentId: payment.id,
        orderId: payment.orderId,
        channel: payment.channel,
      });
      return true;
    }),
  );
}

type RefundRow = Pick<Refund, 'id' | 'paymentId' | 'orderId' | 'amountMinor' | 'currency'>;

/** PENDING -> SUCCEEDED for a refund, and the payment's settled refunds grow by its amount. */
export function completeRefund(deps: SettlementDeps, refund: RefundRow, providerReference: string | null, at = new Date()) {
  return retryOnLockConflict(() =>
    deps.db.transaction(deps.db.fork(), async (tx) => {
      if (!(await completeIfPending(deps.db, tx, refund.id, providerReference, at))) return false;
      const status = await settleRefundAmount(deps.db, tx, refund.paymentId, refund.amountMinor, at);
      deps.events.record<RefundSucceededData>(tx, REFUND_SUCCEEDED, refund.orderId, {
        refundId: refund.id,
        paymentId: refund.paymentId,
        orderId: refund.orderId,
        amount: { minor: refund.amountMinor, currency: refund.currency },
        full: status === 'REFUNDED',
      });
      return true;
    }),
  );
}

/** PENDING -> FAILED for a refund; its amount may be refunded again. */
export function failRefund(deps: SettlementDeps, refund: RefundRow, reason: string, at = new Date()) {
  return retryOnLockConflict(() =>
    deps.db.transaction(deps.db.fork(), async (tx) => {
      if (!(await failIfPending(deps.db, tx, refund.id, reason, at))) return false;
      await releaseRefundAmount(deps.db, tx, refund.paymentId, refund.amountMinor, at);
      deps.events.record<RefundFailedData>(tx, REFUND_FAILED, refund.orderId, {
        refundId: refund.id,
        paymentId: refund.paymentId,
        orderId: refund.orderId,
        amount: { minor: refund.amountMinor, currency: refund.currency },
        reason,
      });
      return true;
    }),
  );
}
