import type { EntityManager } from '../../platform/db/database.ts';
import { readRows } from '../../platform/db/read-rows.ts';
import { groupedLoader, keyedLoader } from '../../platform/graphql/loaders.ts';
import { PaymentEntity, RefundEntity } from './entities/payment.entity.ts';

/** The payments subgraph's loaders, fresh per request. */
export function createPaymentsLoaders(em: EntityManager) {
  return {
    paymentById: keyedLoader(
      'payment',
      (ids: string[]) => em.find(PaymentEntity, { id: { $in: ids } }),
      (payment) => payment.id,
    ),
    paymentsByOrder: groupedLoader(
      // Plain rows (platform/db/read-rows.ts): an order's payments are only read through here.
      (orderIds: string[]) => readRows(em, PaymentEntity, { orderId: { $in: orderIds } }, { orderId: 'asc', createdAt: 'asc', id: 'asc' }),
      (payment) => payment.orderId,
    ),
    refundsByPayment: groupedLoader(
      (paymentIds: string[]) =>
        em.find(RefundEntity, { paymentId: { $in: paymentIds } }, { orderBy: { paymentId: 'asc', createdAt: 'asc', id: 'asc' } }),
      (refund) => refund.paymentId,
    ),
  };
}

export type PaymentsLoaders = ReturnType<typeof createPaymentsLoaders>;
