import { hasScope, type Identity } from '../../platform/auth/identity.ts';
import type { Invoice } from './entities/invoice.entity.ts';

/**
 * Who may see or act on an invoice (docs/architecture.md §4): the buyer, i.e. the member
 * whose order it is, and staff (or partners) holding an invoices scope. Staff
 * who may read orders (orders:read) do not see invoices for that alone:
 * invoices carry the buyer's tax details. A guest order's invoices are staff's.
 */
export function isBuyer(identity: Identity, memberId: string | null | undefined): boolean {
  return identity.kind === 'member' && !!memberId && identity.subject === memberId;
}

export const isInvoiceStaff = (identity: Identity) => hasScope(identity, 'invoices:read') || hasScope(identity, 'invoices:write');

export const canReadInvoice = (identity: Identity, invoice: Pick<Invoice, 'memberId'>) =>
  isInvoiceStaff(identity) || isBuyer(identity, invoice.memberId);

export const canWriteInvoices = (identity: Identity) => hasScope(identity, 'invoices:write');
