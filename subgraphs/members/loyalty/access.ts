import { hasScope } from '../../../platform/auth/identity.ts';
import { forbidden } from '../../../platform/graphql/errors.ts';
import type { MembersContext } from '../context.ts';

/**
 * A member's points, points ledger and coupons are for the member themself
 * and for staff holding members:read (or members:pii, which already shows
 * them everything else about a member, so MemberDetail can ask for points).
 * Anyone else reaching a member (staff with orders:read through an order,
 * say) gets FORBIDDEN on these fields, so they cannot mistake them for zero.
 */
export function mayReadLoyalty(ctx: MembersContext, memberId: string, field: string): void {
  const { identity } = ctx;
  if (identity.kind === 'member' && identity.subject === memberId) return;
  if (hasScope(identity, 'members:read') || hasScope(identity, 'members:pii')) return;
  throw forbidden(`Member.${field} is visible to the member themself and to staff with members:read or members:pii`);
}
