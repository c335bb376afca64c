import type { EventBus } from '../../platform/events/bus.ts';
import type { CallbackDeps } from './callbacks.ts';
import { settleCancelledOrder } from './order-cancelled.ts';

/*
 * Every event the payments subgraph publishes and consumes, in one place.
 *
 * Published (through the outbox, by the one call that changes the row:
 * settlement.ts): PaymentSucceeded (orders marks the order paid),
 * PaymentClosed, RefundSucceeded (orders, members and invoices follow the
 * money back) and RefundFailed, with the data types below.
 */
export {
  PAYMENT_CLOSED,
  PAYMENT_SUCCEEDED,
  type PaymentClosedData,
  type PaymentSucceededData,
  REFUND_FAILED,
  REFUND_SUCCEEDED,
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
