import type { EventBus } from '../../platform/events/bus.ts';
import type { CallbackDeps } from './callbacks.ts';
import { settleCancelledOrder } from './order-cancelled.ts';

/*
 * Every event the payments subgraph publishes and consumes, in one place.
 *
 * Published (through the outbox, by the one call that changes the row:
 * settlement.ts): PaymentSucceeded (orders marks the order paid),
 * PaymentClosed, RefundSucceeded (orders, members and invoices follow the
 * money back) and RefundFailed, with the data types below. PaymentCreated
 * (create-payment.ts) and RefundRequested (refunds.ts) are recorded in the
 * transaction that inserts the payment or claims the refund's amount: no
 * subgraph consumes them, but with the four others they name every change
 * of an order's payments, so the router's entity cache drops its kept
 * `Order.payments` answers by them (each carries `orderId`).
 */
export {
  PAYMENT_CLOSED,
  PAYMENT_CREATED,
  PAYMENT_SUCCEEDED,
  type PaymentClosedData,
  type PaymentCreatedData,
  type PaymentSucceededData,
  REFUND_FAILED,
  REFUND_REQUESTED,
  REFUND_SUCCEEDED,
  type RefundRequestedData,
  type RefundSucceededData,
} from './settlement.ts';

/** Orders' OrderCancelled: the order will never be paid, or must be paid back. */
export const ORDER_CANCELLED = 'OrderCancelled';

/**
 * Subscribes payments to what other subgraphs announce. A named queue: with
 * RabbitMQ each cancellation is handled by one payments instance. Settling a
 * cancelled order is safe to repeat (settleCancelledOrder says why).
 */
export function startPaymentsConsumers(deps: CallbackDeps & { bus: EventBus }): () => void {
  return deps.bus.subscribe([ORDER_CANCELLED], (event) => settleCancelledOrder(deps, event), { queue: 'payments.order-cancelled' });
}
