import DataLoader from 'dataloader';
import type { Database, EntityManager } from '../../platform/db/database.ts';
import { readRows } from '../../platform/db/read-rows.ts';
import { groupedLoader, keyedLoader } from '../../platform/graphql/loaders.ts';
import { type Order, OrderEntity, OrderHistoryEntity, OrderLineEntity } from './entities/order.entity.ts';
import { newestOrdersOfMembers, orderCountsOfMembers } from './order-repository.ts';

/**
 * The orders subgraph's loaders, fresh per request. They read plain rows
 * (platform/db/read-rows.ts: making each row a managed entity cost more than its
 * query): every change to an order loads it with `em.findOne(..., { refresh })`
 * in lifecycle.ts and changes lines and history in its own transaction.
 */
export function createOrdersLoaders(em: EntityManager, db: Database) {
  return {
    orderById: keyedLoader(
      'order',
      (ids: string[]) => readRows(em, OrderEntity, { id: { $in: ids } }),
      (order) => order.id,
    ),
    linesByOrder: groupedLoader(
      (ids: string[]) => readRows(em, OrderLineEntity, { orderId: { $in: ids } }, { orderId: 'asc', position: 'asc' }),
      (line) => line.orderId,
    ),
    historyByOrder: groupedLoader(
      (ids: string[]) => readRows(em, OrderHistoryEntity, { orderId: { $in: ids } }, { orderId: 'asc', id: 'asc' }),
      (entry) => entry.orderId,
    ),
    /**
     * The newest orders of many members at once, for `Member.orders`' first
     * page (memberOrders): keyed by `newestOrdersKey(memberId, limit)`. A list
     * of orders with each one's member and their orders asked one page query
     * and one count per member before; now one statement serves them all: the
     * members' orders ranked newest first (createdAt, then id, as listOrders
     * pages them), the first `limit` of each kept.
     */
    newestOrdersOfMember: new DataLoader<string, Order[]>(async (keys) => {
      const byKey = new Map<string, Order[]>(keys.map((key) => [key, []]));
      const limits = new Map<number, string[]>();
      for (const key of keys) {
        const { memberId, limit } = parseNewestOrdersKey(key);
        limits.set(limit, [...(limits.get(limit) ?? []), memberId]);
      }
      for (const [limit, memberIds] of limits) {
        for (const order of await newestOrdersOfMembers(db, em, memberIds, limit)) {
          byKey.get(newestOrdersKey(order.memberId ?? '', limit))?.push(order);
        }
      }
      return keys.map((key) => byKey.get(key) ?? []);
    }),
    /** How many orders each member has (`Member.orders.totalCount`), counted for all of the request's members at once. */
    orderCountOfMember: new DataLoader<string, number>(async (memberIds) => {
      const counts = await orderCountsOfMembers(db, em, memberIds);
      return memberIds.map((id) => counts.get(id) ?? 0);
    }),
  };
}

export const newestOrdersKey = (memberId: string, limit: number) => `${limit}:${memberId}`;

function parseNewestOrdersKey(key: string): { memberId: string; limit: number } {
  const at = key.indexOf(':');
  return { limit: Number(key.slice(0, at)), memberId: key.slice(at + 1) };
}

export type OrdersLoaders = ReturnType<typeof createOrdersLoaders>;
