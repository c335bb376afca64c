import { hasScope, type Identity } from '../../platform/auth/identity.ts';
import type { Order } from './entities/order.entity.ts';

/**
 * Who may see or act on an order: staff (and partners) holding the scope,
 * or the member the order belongs to. Guests' orders are visible to staff only.
 */
export function isOwner(identity: Identity, order: Pick<Order, 'memberId'>): boolean {
  return identity.kind === 'member' && order.memberId !== null && order.memberId !== undefined && identity.subject === order.memberId;
}

export const canRead = (identity: Identity, order: Pick<Order, 'memberId'>) =>
  hasScope(identity, 'orders:read') || isOwner(identity, order);
export const canWrite = (identity: Identity, order: Pick<Order, 'memberId'>) =>
  hasScope(identity, 'orders:write') || isOwner(identity, order);
