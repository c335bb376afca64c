import { loadOrNull } from '../../platform/graphql/loaders.ts';
import { canReadInvoice } from './access.ts';
import type { InvoicesContext } from './context.ts';
import type { Invoice } from './entities/invoice.entity.ts';
import { linkSecret, signedPdfPath } from './pdf-links.ts';

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

export async function creditNotes(ctx: InvoicesContext, invoice: Invoice): Promise<Invoice[]> {
  const notes = await ctx.loaders.creditNotesByInvoice.load(invoice.id);
  return notes.filter((note) => canReadInvoice(ctx.identity, note));
}

/** A fresh signed link for the buyer and invoice staff; null for anyone else and before the invoice is issued. */
export function pdfUrl(ctx: InvoicesContext, invoice: Invoice): string | null {
  if (!invoice.number || !canReadInvoice(ctx.identity, invoice)) return null;
  return signedPdfPath(linkSecret(ctx.config), invoice.id);
}
