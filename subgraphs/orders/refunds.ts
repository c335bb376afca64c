import { retryOnLockConflict } from '../../platform/db/conflicts.ts';
import type { Database } from '../../platform/db/database.ts';
import type { EventBus } from '../../platform/events/bus.ts';
import type { DomainEvent } from '../../platform/events/event.ts';
import { handleOnce } from '../../platform/events/processed-events.ts';
import { addRefunded } from './order-repository.ts';

/** The payments subgraph's RefundSucceeded (subgraphs/payments/settlement.ts). */
export const REFUND_SUCCEEDED = 'RefundSucceeded';
type RefundSucceeded = { refundId: string; orderId: string; amount: { minor: number; currency: string } };

/**
 * Keeps `Order.refunded` up to date: each refund adds its amount once,
 * however often its event is delivered (handleOnce). Payments already
 * guarantees refunds never exceed what was paid; a refund in another
 * currency than the order's cannot be an order's and is ignored.
 */
export function startRefundConsumer(deps: { db: Database; bus: EventBus }): () => void {
  return deps.bus.subscribe(
    [REFUND_SUCCEEDED],
    async (event: DomainEvent) => {
      const data = event.data as RefundSucceeded;
      await retryOnLockConflict(() =>
        handleOnce(deps.db, 'orders.refund-succeeded', event, async (tx) => {
          await addRefunded(deps.db, tx, data.orderId, data.amount, new Date());
        }),
      );
    },
    { queue: 'orders.refund-succeeded' },
  );
}
