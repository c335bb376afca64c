import type { DomainEvent } from '../../platform/events/event.ts';
import type { CallbackDeps } from './callbacks.ts';
import { closeProviderCode } from './create-payment.ts';
import { PaymentEntity } from './entities/payment.entity.ts';
import { requestRefund } from './refunds.ts';
import { closePending, PAID_STATUSES } from './settlement.ts';

/**
 * A cancelled order's pending payments are closed (at the provider first, so
 * its code can no longer be paid, then here); a paid one is refunded in full
 * of what is left, as orders' cancelOrder promises. Safe to run twice: closing
 * is a conditional UPDATE, and the refund's idempotency key is the payment's.
 */
export async function settleCancelledOrder(deps: CallbackDeps, event: DomainEvent): Promise<void> {
  const { orderId } = event.data as { orderId: string };
  const payments = await deps.db.fork().find(PaymentEntity, { activeOrderId: orderId });
  for (const payment of payments) {
    if (payment.status === 'PENDING') {
      await closeProviderCode(deps, payment.channel, payment.outTradeNo);
      await closePending(deps, payment);
    } else if ((PAID_STATUSES as readonly string[]).includes(payment.status) && payment.refundedMinor < payment.amountMinor) {
      const outcome = await requestRefund(deps, 'system:orders', {
        paymentId: payment.id,
        minor: payment.amountMinor - payment.refundedMinor,
        currency: payment.currency,
        reason: `order ${payment.orderNumber} was cancelled`,
        key: `order-cancelled:${payment.id}`,
      });
      const problem = outcome.userErrors.find((error) => error.code !== 'DUPLICATE_REQUEST');
      if (problem) deps.log.warn(`refund of cancelled order ${payment.orderNumber} needs attention: ${problem.message}`);
    }
  }
}
