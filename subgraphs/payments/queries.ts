import { loadOrNull } from '../../platform/graphql/loaders.ts';
import { type Connection, decodeCursor, pageSize, toConnection } from '../../platform/graphql/pagination.ts';
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
  const size = pageSize(args.first);
  const conditions: Record<string, unknown>[] = [];
  if (args.after) {
    const [at, id] = decodeCursor(args.after, ['number', 'string']) as [number, string];
    conditions.push({ $or: [{ receivedAt: { $lt: new Date(at) } }, { receivedAt: new Date(at), id: { $lt: id } }] });
  }
  return ctx.em
    .find(CallbackReviewEntity, conditions.length ? { $and: conditions } : {}, {
      orderBy: [{ receivedAt: 'desc' }, { id: 'desc' }],
      limit: size + 1,
    })
    .then((rows) =>
      toConnection(
        rows,
        size,
        (review) => [review.receivedAt.getTime(), review.id],
        () => ctx.em.count(CallbackReviewEntity, {}),
      ),
    );
}

export const reconciliationReport = (ctx: PaymentsContext, id: string) => ctx.em.findOne(ReconciliationReportEntity, { id });
