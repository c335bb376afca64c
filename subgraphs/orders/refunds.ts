import type { Database, EntityManager } from '../../platform/db/database.ts';
import { addRefunded } from './order-repository.ts';

/** The part of payments' RefundSucceeded that orders reads. */
export type RefundSucceededData = { refundId: string; orderId: string; amount: { minor: number; currency: string } };

/**
 * Keeps `Order.refunded` up to date: each refund adds its amount once (the
 * consumer runs once per event). Payments already guarantees refunds never
 * exceed what was paid; a refund in another currency than the order's cannot
 * be an order's and is ignored.
 */
export async function addRefundToOrder(db: Database, tx: EntityManager, refund: RefundSucceededData): Promise<void> {
  await addRefunded(db, tx, refund.orderId, refund.amount, new Date());
}
