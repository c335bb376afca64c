import type { EntityManager } from '../kit/db/database.ts';
import { groupedLoader, keyedLoader } from '../kit/loaders.ts';
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
      (orderIds: string[]) =>
        em.find(PaymentEntity, { orderId: { $in: orderIds } }, { orderBy: { orderId: 'asc', createdAt: 'asc', id: 'asc' } }),
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
