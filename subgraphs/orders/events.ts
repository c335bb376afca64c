import type { Database } from '../../platform/db/database.ts';
import type { EventBus } from '../../platform/events/bus.ts';
import type { EventRecorder } from '../../platform/events/outbox.ts';
import { consumeOnce } from '../../platform/events/processed-events.ts';
import type { ServiceClient } from '../../platform/http/service-client.ts';
import type { Logger } from '../../platform/observability/log.ts';
import { cancelUnpaidOrder, markOrderPaid } from './lifecycle.ts';
import { addRefundToOrder, type RefundSucceededData } from './refunds.ts';

/*
 * Every event the orders subgraph publishes and consumes, in one place.
 *
 * Published (through the outbox, in the transaction of the change): one
 * event per status change of an order, named by EVENT_OF in order-state.ts
 * (OrderPlaced, OrderPaid, OrderShipped, OrderCompleted, OrderCancelled,
 * OrderReturnRequested, OrderReturned), all carrying OrderEventData. Members
 * keeps points and discounts by them, payments refunds a cancelled paid
 * order, and `orderUpdated` streams them to subscribers.
 * OrderRefunded: a refund payments made was added to an order's refunded
 * amount (refunds.ts); the status stays. Nothing consumes it but the
 * router's entity cache, which drops the answers showing the order.
 */
export { EVENT_OF, ORDER_EVENTS, type OrderEventData } from './order-state.ts';
export { ORDER_REFUNDED, type OrderRefundedData } from './refunds.ts';

/** Payments' PaymentSucceeded: the order is paid. */
export const PAYMENT_SUCCEEDED = 'PaymentSucceeded';
/** Stock's ReservationExpired: its reference is the order id of the checkout that reserved. */
export const RESERVATION_EXPIRED = 'ReservationExpired';
/** Payments' RefundSucceeded: money went back to the customer. */
export const REFUND_SUCCEEDED = 'RefundSucceeded';

type ConsumerDeps = { db: Database; bus: EventBus; events: EventRecorder; services: ServiceClient; log: Logger };

/**
 * Subscribes orders to what other subgraphs announce. Named queues: with
 * RabbitMQ each event is handled once by the orders service, not once per
 * instance. Paying and cancelling are state transitions from
 * PENDING_PAYMENT, so a redelivery finds the order moved and does nothing; a
 * refund adds an amount, so it runs once per event.
 */
export function startOrderConsumers(deps: ConsumerDeps): () => void {
  const stops = [
    deps.bus.subscribe(
      [PAYMENT_SUCCEEDED],
      (event) => markOrderPaid(deps, event.data as { orderId: string; paymentId?: string }, event.id),
      { queue: 'orders.payment-succeeded' },
    ),
    deps.bus.subscribe([RESERVATION_EXPIRED], (event) => cancelUnpaidOrder(deps, (event.data as { reference: string }).reference), {
      queue: 'orders.reservation-expired',
    }),
    consumeOnce(deps, [REFUND_SUCCEEDED], 'orders.refund-succeeded', (tx, event) =>
      addRefundToOrder(deps, tx, event.data as RefundSucceededData),
    ),
  ];
  return () => {
    for (const stop of stops) stop();
  };
}
