import type { GraphQLResolverMap } from '@apollo/subgraph';
import { scalarResolvers } from '../../platform/graphql/scalars.ts';
import { moneyView } from '../../platform/values/money.ts';
import type { InvoicesContext } from './context.ts';
import type { Invoice, InvoiceLine } from './entities/invoice.entity.ts';
import type { InvoiceListFilter } from './invoice-repository.ts';
import { issueInvoice } from './issue-invoice.ts';
import * as queries from './queries.ts';
import { type RequestInvoiceInput, requestInvoice } from './request-invoice.ts';
import { rejectInvoice, voidInvoice } from './review.ts';
import { taxRateText } from './tax-rate.ts';

/** Thin: parse arguments, call the services, shape the result. */
type Input<T> = { input: T };
type Page = { first?: number | null; after?: string | null };
type LineWithCurrency = InvoiceLine & { currency: string };
const total = (minor: number | null | undefined, invoice: Invoice) =>
  minor === null || minor === undefined || !invoice.currency ? null : moneyView(minor, invoice.currency);
const linked = async (ctx: InvoicesContext, id: string | null | undefined) => (id ? queries.invoiceById(ctx, id) : null);

export const resolvers: GraphQLResolverMap<InvoicesContext> = {
  ...scalarResolvers,
  Query: {
    invoice: (_, { id }: { id: string }, ctx) => queries.invoiceById(ctx, id),
    invoiceVerification: (_, { code }: { code: string }, ctx) => queries.invoiceVerification(ctx, code),
    invoices: (_, { filter, ...page }: { filter?: InvoiceListFilter | null } & Page, ctx) => queries.listInvoices(ctx, filter ?? {}, page),
  },
  Mutation: {
    requestInvoice: (_, { input }: Input<RequestInvoiceInput>, ctx) => requestInvoice(ctx, input),
    issueInvoice: (_, { input }: Input<{ invoiceId: string }>, ctx) => issueInvoice(ctx, input),
    rejectInvoice: (_, { input }: Input<{ invoiceId: string; reason: string }>, ctx) => rejectInvoice(ctx, input),
    voidInvoice: (_, { input }: Input<{ invoiceId: string; reason: string }>, ctx) => voidInvoice(ctx, input),
  },
  Order: {
    __resolveReference: ({ id }: { id: string }) => ({ id }),
    invoices: ({ id }: { id: string }, _, ctx) => queries.orderInvoices(ctx, id),
  },
  Invoice: {
    __resolveReference: ({ id }: { id: string }, ctx: InvoicesContext) => queries.invoiceById(ctx, id),
    order: (invoice: Invoice) => ({ __typename: 'Order', id: invoice.orderId }),
    buyer: (invoice: Invoice) => ({
      type: invoice.buyerType,
      name: invoice.buyerName,
      taxId: invoice.buyerTaxId,
      email: invoice.buyerEmail,
    }),
    lines: async (invoice: Invoice, _, ctx) =>
      (await ctx.loaders.linesByInvoice.load(invoice.id)).map((line) => ({ ...line, currency: invoice.currency ?? 'CNY' })),
    subtotal: (invoice: Invoice) => total(invoice.subtotalMinor, invoice),
    taxTotal: (invoice: Invoice) => total(invoice.taxMinor, invoice),
    total: (invoice: Invoice) => total(invoice.totalMinor, invoice),
    requestedAt: (invoice: Invoice) => invoice.createdAt,
    creditNote: (invoice: Invoice, _, ctx) => linked(ctx, invoice.creditNoteId),
    creditNotes: (invoice: Invoice, _, ctx) => queries.creditNotes(ctx, invoice),
    creditedInvoice: (invoice: Invoice, _, ctx) => linked(ctx, invoice.creditedInvoiceId),
    pdfUrl: (invoice: Invoice, _, ctx) => queries.pdfUrl(ctx, invoice),
  },
  InvoiceLine: {
    unitPrice: (line: LineWithCurrency) => moneyView(line.unitPriceMinor, line.currency),
    discount: (line: LineWithCurrency) => moneyView(line.discountMinor, line.currency),
    amount: (line: LineWithCurrency) => moneyView(line.amountMinor, line.currency),
    taxRate: (line: LineWithCurrency) => taxRateText(line.taxRateBp),
    tax: (line: LineWithCurrency) => moneyView(line.taxMinor, line.currency),
    net: (line: LineWithCurrency) => moneyView(line.netMinor, line.currency),
  },
};
