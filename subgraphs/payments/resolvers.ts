import type { GraphQLResolverMap } from '@apollo/subgraph';
import { scalarResolvers } from '../../platform/graphql/scalars.ts';
import { moneyView } from '../../platform/values/money.ts';
import type { PaymentsContext } from './context.ts';
import { type CreatePaymentInput, createPayment } from './create-payment.ts';
import type { Payment, Refund } from './entities/payment.entity.ts';
import type { ReconciliationReport } from './entities/review.entity.ts';
import * as queries from './queries.ts';
import { type ReconcileStatementInput, type ReportDetails, reconcileStatement } from './reconciliation.ts';
import { type RefundPaymentInput, refundPayment } from './refunds.ts';

/** Thin: parse arguments, call the services, shape the result. */
type Input<T> = { input: T };
type MoneyData = { minor: number; currency: string };
const money = (value: MoneyData) => moneyView(value.minor, value.currency);
const details = (report: ReconciliationReport) => JSON.parse(report.details) as ReportDetails;

export const resolvers: GraphQLResolverMap<PaymentsContext> = {
  ...scalarResolvers,
  Query: {
    payment: (_, { id }: { id: string }, ctx) => queries.paymentById(ctx, id),
    reconciliationReport: (_, { id }: { id: string }, ctx) => queries.reconciliationReport(ctx, id),
    paymentCallbackReviews: (_, page: { first?: number | null; after?: string | null }, ctx) => queries.callbackReviews(ctx, page),
  },
  Mutation: {
    createPayment: (_, { input }: Input<CreatePaymentInput>, ctx) => createPayment(ctx, input),
    refundPayment: (_, { input }: Input<RefundPaymentInput>, ctx) => refundPayment(ctx, input),
    reconcileStatement: (_, { input }: Input<ReconcileStatementInput>, ctx) => reconcileStatement(ctx, input),
  },
  Order: {
    __resolveReference: ({ id }: { id: string }) => ({ id }),
    payments: ({ id }: { id: string }, _, ctx) => queries.orderPayments(ctx, id),
    paymentStatus: async ({ id }: { id: string }, _, ctx) => queries.orderPaymentStatus(await queries.orderPayments(ctx, id)),
  },
  Payment: {
    __resolveReference: ({ id }: { id: string }, ctx: PaymentsContext) => queries.paymentById(ctx, id),
    order: (payment: Payment) => ({ __typename: 'Order', id: payment.orderId }),
    amount: (payment: Payment) => moneyView(payment.amountMinor, payment.currency),
    refundedAmount: (payment: Payment) => moneyView(payment.refundedMinor, payment.currency),
    refunds: (payment: Payment, _, ctx) => ctx.loaders.refundsByPayment.load(payment.id),
  },
  Refund: {
    payment: (refund: Refund, _, ctx) => ctx.loaders.paymentById.load(refund.paymentId),
    amount: (refund: Refund) => moneyView(refund.amountMinor, refund.currency),
  },
  ReconciliationReport: {
    missingInStatement: (report: ReconciliationReport) =>
      details(report).missingInStatement.map((entry) => ({ ...entry, amount: money(entry.amount) })),
    missingInLedger: (report: ReconciliationReport) =>
      details(report).missingInLedger.map((entry) => ({ ...entry, amount: money(entry.amount) })),
    amountMismatches: (report: ReconciliationReport) =>
      details(report).amountMismatches.map((entry) => ({ ...entry, ours: money(entry.ours), theirs: money(entry.theirs) })),
    settledPayments: (report: ReconciliationReport) => details(report).settledPayments,
  },
};
