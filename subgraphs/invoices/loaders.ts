import type { EntityManager } from '../../platform/db/database.ts';
import { readRows } from '../../platform/db/read-rows.ts';
import { groupedLoader, keyedLoader } from '../../platform/graphql/loaders.ts';
import { InvoiceEntity, InvoiceLineEntity } from './entities/invoice.entity.ts';

/** The invoices subgraph's loaders, fresh per request. */
export function createInvoicesLoaders(em: EntityManager) {
  return {
    invoiceById: keyedLoader(
      'invoice',
      (ids: string[]) => em.find(InvoiceEntity, { id: { $in: ids } }),
      (invoice) => invoice.id,
    ),
    invoicesByOrder: groupedLoader(
      // Plain rows (platform/db/read-rows.ts): an order's invoices are only read through here.
      (orderIds: string[]) => readRows(em, InvoiceEntity, { orderId: { $in: orderIds } }, { orderId: 'asc', createdAt: 'asc', id: 'asc' }),
      (invoice) => invoice.orderId,
    ),
    creditNotesByInvoice: groupedLoader(
      (invoiceIds: string[]) =>
        em.find(
          InvoiceEntity,
          { creditedInvoiceId: { $in: invoiceIds } },
          { orderBy: { creditedInvoiceId: 'asc', sequenceNumber: 'asc', id: 'asc' } },
        ),
      (invoice) => invoice.creditedInvoiceId!,
    ),
    linesByInvoice: groupedLoader(
      (invoiceIds: string[]) =>
        em.find(InvoiceLineEntity, { invoiceId: { $in: invoiceIds } }, { orderBy: { invoiceId: 'asc', position: 'asc' } }),
      (line) => line.invoiceId,
    ),
  };
}

export type InvoicesLoaders = ReturnType<typeof createInvoicesLoaders>;
