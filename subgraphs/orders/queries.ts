import { hasScope } from '../../platform/auth/identity.ts';
import { keysetPage } from '../../platform/db/keyset.ts';
import { forbidden } from '../../platform/graphql/errors.ts';
import { liveEvents } from '../../platform/graphql/live-events.ts';
import { loadOrNull } from '../../platform/graphql/loaders.ts';
import { type Connection, pageSize, toConnection } from '../../platform/graphql/pagination.ts';
import { canRead, isOwner } from './access.ts';
import type { OrdersContext } from './context.ts';
import { type Order, OrderEntity, type OrderStatus, type SalesChannel } from './entities/order.entity.ts';
import { newestOrdersKey } from './loaders.ts';
import { ORDER_EVENTS, type OrderEventData } from './order-state.ts';

/** An order the caller may see, or null (never "forbidden": that would tell an order exists). */
export async function orderById(ctx: OrdersContext, id: string): Promise<Order | null> {
  const order = await loadOrNull(ctx.loaders.orderById, id);
  return order && canRead(ctx.identity, order) ? order : null;
}

export type OrderFilter = {
  status?: OrderStatus | null;
  channel?: SalesChannel | null;
  memberId?: string | null;
  from?: Date | null;
  to?: Date | null;
};

/** Orders newest first, paged by (createdAt, id). */
export async function listOrders(
  ctx: OrdersContext,
  filter: OrderFilter,
  args: { first?: number | null; after?: string | null },
): Promise<Connection<Order>> {
  const where: Record<string, unknown> = {};
  if (filter.status) where.status = filter.status;
  if (filter.channel) where.channel = filter.channel;
  if (filter.memberId) where.memberId = filter.memberId;
  const created: Record<string, Date> = {};
  if (filter.from) created.$gte = filter.from;
  if (filter.to) created.$lt = filter.to;
  if (Object.keys(created).length) where.createdAt = created;
  const connection = await keysetPage(ctx.em, OrderEntity, where, args, { sortBy: 'createdAt' });
  for (const { node } of connection.edges) ctx.loaders.orderById.prime(node.id, node);
  return connection;
}

/** `Member.orders`: the member themself, or staff with orders:read. */
export async function memberOrders(ctx: OrdersContext, memberId: string, args: { first?: number | null; after?: string | null }) {
  if (!isOwner(ctx.identity, { memberId }) && !hasScope(ctx.identity, 'orders:read')) {
    throw forbidden("a member's orders are visible to that member and to staff with orders:read");
  }
  // A later page follows one member's cursor: read on its own.
  if (args.after) return listOrders(ctx, { memberId }, args);
  // The first page is what a list asks of each of its members (orders → member → orders): batched
  // across the request's members (loaders.ts), the same page and count listOrders would give.
  const size = pageSize(args.first);
  const rows = await ctx.loaders.newestOrdersOfMember.load(newestOrdersKey(memberId, size + 1));
  for (const order of rows) ctx.loaders.orderById.prime(order.id, order);
  return toConnection(
    rows,
    size,
    (order) => [order.createdAt.getTime(), order.id],
    () => ctx.loaders.orderCountOfMember.load(memberId),
  );
}

/**
 * `orderUpdated`: one event per status change. Staff with orders:read see
 * every order; a member sees their own orders only, whatever `orderId` says.
 * The same check decides for events replayed to a subscriber that resumes.
 */
export function orderUpdates(ctx: OrdersContext, orderId: string | null | undefined) {
  const staff = hasScope(ctx.identity, 'orders:read');
  const member = ctx.identity.kind === 'member' ? ctx.identity.subject : null;
  if (!staff && !member) throw forbidden('orderUpdated needs orders:read, or a signed-in member for their own orders');
  return liveEvents<OrderEventData>(ctx, ORDER_EVENTS, (event) => {
    if (orderId && event.data.orderId !== orderId) return false;
    return staff || (member !== null && event.data.memberId === member);
  });
}
