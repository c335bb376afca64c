import type { Database, EntityManager } from '../../platform/db/database.ts';
import type { EventRecorder } from '../../platform/events/outbox.ts';
import { OrderEntity } from './entities/order.entity.ts';
import { addRefunded } from './order-repository.ts';

/** The part of payments' RefundSucceeded that orders reads. */
export type RefundSucceededData = { refundId: string; orderId: string; amount: { minor: number; currency: string } };

/** OrderRefunded: an order's refunded amount grew, without a change of status. */
export const ORDER_REFUNDED = 'OrderRefunded';
export type OrderRefundedData = { orderId: string; memberId: string | null; refundId: string };

/**
 * Keeps `Order.refunded` up to date: each refund adds its amount once (the
 * consumer runs once per event). Payments already guarantees refunds never
 * exceed what was paid; a refund in another currency than the order's cannot
 * be an order's and is ignored. The change is announced as OrderRefunded, so
 * answers that show the order (the router's entity cache) are dropped.
 */
export async function addRefundToOrder(
  deps: { db: Database; events: EventRecorder },
  tx: EntityManager,
  refund: RefundSucceededData,
): Promise<void> {
  await addRefunded(deps.db, tx, refund.orderId, refund.amount, new Date());
  const order = await tx.findOne(OrderEntity, { id: refund.orderId });
  if (!order) return;
  deps.events.record<OrderRefundedData>(tx, ORDER_REFUNDED, order.id, {
    orderId: order.id,
    memberId: order.memberId ?? null,
    refundId: refund.refundId,
  });
}
