import type { EntityManager } from '../kit/db/database.ts';
import { groupedLoader, keyedLoader } from '../kit/loaders.ts';
import { OrderEntity, OrderHistoryEntity, OrderLineEntity } from './entities/order.entity.ts';

export function createOrdersLoaders(em: EntityManager) {
  return {
    orderById: keyedLoader(
      'order',
      (ids: string[]) => em.find(OrderEntity, { id: { $in: ids } }),
      (order) => order.id,
    ),
    linesByOrder: groupedLoader(
      (ids: string[]) => em.find(OrderLineEntity, { orderId: { $in: ids } }, { orderBy: { orderId: 'asc', position: 'asc' } }),
      (line) => line.orderId,
    ),
    historyByOrder: groupedLoader(
      (ids: string[]) => em.find(OrderHistoryEntity, { orderId: { $in: ids } }, { orderBy: { orderId: 'asc', id: 'asc' } }),
      (entry) => entry.orderId,
    ),
  };
}

export type OrdersLoaders = ReturnType<typeof createOrdersLoaders>;
