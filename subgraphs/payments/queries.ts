import { keysetPage } from '../../platform/db/keyset.ts';
import { loadOrNull } from '../../platform/graphql/loaders.ts';
import type { Connection } from '../../platform/graphql/pagination.ts';
import { canReadOrderPayments, canReadPayment } from './access.ts';
import type { PaymentsContext } from './context.ts';
import type { Payment } from './entities/payment.entity.ts';
import { type CallbackReview, CallbackReviewEntity, ReconciliationReportEntity } from './entities/review.entity.ts';

/** A payment the caller may see, or null (never "forbidden": that would tell it exists). */
export async function paymentById(ctx: PaymentsContext, id: string): Promise<Payment | null> {
  const payment = await loadOrNull(ctx.loaders.paymentById, id);
  return payment && canReadPayment(ctx.identity, payment) ? payment : null;
}

/** `Order.payments`: the ones the caller may see, oldest first. */
export async function orderPayments(ctx: PaymentsContext, orderId: string): Promise<Payment[]> {
  const payments = await ctx.loaders.paymentsByOrder.load(orderId);
  return payments.filter((payment) => canReadOrderPayments(ctx.identity, payment));
}

export type OrderPaymentStatus = 'UNPAID' | 'PENDING' | 'PAID' | 'PARTIALLY_REFUNDED' | 'REFUNDED';

/** Where paying an order stands: its one active payment decides. */
export function orderPaymentStatus(payments: readonly Payment[]): OrderPaymentStatus {
  const active = payments.find((payment) => payment.status !== 'CLOSED');
  if (!active) return 'UNPAID';
  return active.status === 'SUCCEEDED' ? 'PAID' : (active.status as OrderPaymentStatus);
}

export function callbackReviews(
  ctx: PaymentsContext,
  args: { first?: number | null; after?: string | null },
): Promise<Connection<CallbackReview>> {
  return keysetPage(ctx.em, CallbackReviewEntity, {}, args, { sortBy: 'receivedAt' });
}

export const reconciliationReport = (ctx: PaymentsContext, id: string) => ctx.em.findOne(ReconciliationReportEntity, { id });
