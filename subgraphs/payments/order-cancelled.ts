import type { EventBus } from '../../platform/events/bus.ts';
import type { DomainEvent } from '../../platform/events/event.ts';
import type { ServiceClient } from '../../platform/http/service-client.ts';
import { type CallbackDeps, receiveWeChatPay } from './callbacks.ts';
import { closeProviderCode } from './create-payment.ts';
import { PaymentEntity } from './entities/payment.entity.ts';
import { paymentProviders } from './providers/index.ts';
import { requestRefund } from './refunds.ts';
import { closePending, PAID_STATUSES } from './settlement.ts';

/** Orders' OrderCancelled (subgraphs/orders/order-state.ts): the order will never be paid, or must be paid back. */
export const ORDER_CANCELLED = 'OrderCancelled';

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

export function startPaymentsBackground(services: CallbackDeps & { bus: EventBus; services: ServiceClient }): () => Promise<void> {
  const deps: CallbackDeps = { db: services.db, events: services.events, log: services.log, config: services.config };
  const simulator = paymentProviders(services.config).wechatPaySimulator;
  // The simulator's refund callbacks come to this server, through the same verification as real ones.
  const disconnect = simulator?.connect((callback) => receiveWeChatPay(deps, callback.headers, callback.body));
  // A named queue: with RabbitMQ each cancellation is handled by one payments instance.
  const unsubscribe = services.bus.subscribe([ORDER_CANCELLED], (event) => settleCancelledOrder(deps, event), {
    queue: 'payments.order-cancelled',
  });
  return async () => {
    unsubscribe();
    await simulator?.delivered();
    disconnect?.();
  };
}
