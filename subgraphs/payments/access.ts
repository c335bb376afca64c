import { hasScope, type Identity } from '../../platform/auth/identity.ts';
import type { Payment } from './entities/payment.entity.ts';

/**
 * Who may see or act on a payment (docs/architecture.md §4): the member whose order it
 * pays, or staff (and partners) holding the scope. A guest's payments are
 * visible to staff only.
 */
export function isPayer(identity: Identity, memberId: string | null | undefined): boolean {
  return identity.kind === 'member' && !!memberId && identity.subject === memberId;
}

export const canReadPayment = (identity: Identity, payment: Pick<Payment, 'memberId'>) =>
  hasScope(identity, 'payments:read') || isPayer(identity, payment.memberId);

/** An order's payments are part of the order: whoever may read the order (orders:read) sees them too. */
export const canReadOrderPayments = (identity: Identity, payment: Pick<Payment, 'memberId'>) =>
  canReadPayment(identity, payment) || hasScope(identity, 'orders:read');

export const canTakePayments = (identity: Identity) => hasScope(identity, 'payments:write');
