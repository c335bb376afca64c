import { badUserInput } from '../../platform/graphql/errors.ts';
import { loadOrNull } from '../../platform/graphql/loaders.ts';
import type { Connection, PageArgs } from '../../platform/graphql/pagination.ts';
import { type MoneyView, moneyView } from '../../platform/values/money.ts';
import { canReadInvoice } from './access.ts';
import type { InvoicesContext } from './context.ts';
import { type Invoice, InvoiceEntity } from './entities/invoice.entity.ts';
import { type InvoiceListFilter, invoicePage } from './invoice-repository.ts';
import { linkSecret, signedPdfPath } from './pdf-links.ts';
import { macMatches, parseVerificationCode, verificationSecret, verifiedFacts } from './verification.ts';

/** An invoice the caller may see, or null (never "forbidden": that would tell it exists). */
export async function invoiceById(ctx: InvoicesContext, id: string): Promise<Invoice | null> {
  const invoice = await loadOrNull(ctx.loaders.invoiceById, id);
  return invoice && canReadInvoice(ctx.identity, invoice) ? invoice : null;
}

/** `Order.invoices`: the ones the caller may see, oldest first. */
export async function orderInvoices(ctx: InvoicesContext, orderId: string): Promise<Invoice[]> {
  const invoices = await ctx.loaders.invoicesByOrder.load(orderId);
  return invoices.filter((invoice) => canReadInvoice(ctx.identity, invoice));
}

/**
 * `Query.invoices`, finance's queue: staff only (the schema's @requiresScopes, checked by router and subgraph),
 * so every row is one the caller may read. Each invoice is primed into the request's loader for its links.
 */
export async function listInvoices(ctx: InvoicesContext, filter: InvoiceListFilter, page: PageArgs): Promise<Connection<Invoice>> {
  const connection = await invoicePage(ctx.em, filter, page);
  for (const { node } of connection.edges) ctx.loaders.invoiceById.prime(node.id, node);
  return connection;
}

export async function creditNotes(ctx: InvoicesContext, invoice: Invoice): Promise<Invoice[]> {
  const notes = await ctx.loaders.creditNotesByInvoice.load(invoice.id);
  return notes.filter((note) => canReadInvoice(ctx.identity, note));
}

/** A fresh signed link for the buyer and invoice staff; null for anyone else and before the invoice is issued. */
export function pdfUrl(ctx: InvoicesContext, invoice: Invoice): string | null {
  if (!invoice.number || !canReadInvoice(ctx.identity, invoice)) return null;
  return signedPdfPath(linkSecret(ctx.config), invoice.id);
}

export type InvoiceVerificationView = {
  genuine: boolean;
  kind: Invoice['kind'] | null;
  number: string | null;
  issuedOn: string | null;
  total: MoneyView | null;
  status: Invoice['status'] | null;
};

const NOT_GENUINE: InvoiceVerificationView = { genuine: false, kind: null, number: null, issuedOn: null, total: null, status: null };

/**
 * `invoiceVerification(code)`, public: whether the code printed on a document
 * is one we issued, and for which number, date and total. A forged, altered
 * or mistyped code and one naming no issued document answer alike (not
 * genuine); no personal data, never the buyer. Malformed codes are refused.
 */
export async function invoiceVerification(ctx: InvoicesContext, code: string): Promise<InvoiceVerificationView> {
  const parsed = parseVerificationCode(code);
  if (!parsed.ok) throw badUserInput(parsed.message, 'code');
  const invoice = await ctx.em.findOne(InvoiceEntity, { number: parsed.number });
  if (!invoice?.issuedAt) return NOT_GENUINE;
  const facts = verifiedFacts(invoice);
  if (!macMatches(verificationSecret(ctx.config), facts, parsed.mac)) return NOT_GENUINE;
  return {
    genuine: true,
    kind: invoice.kind,
    number: facts.number,
    issuedOn: facts.issuedOn,
    total: moneyView(facts.totalMinor, facts.currency),
    status: invoice.status,
  };
}
