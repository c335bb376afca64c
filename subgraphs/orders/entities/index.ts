import { OrderEntity, OrderHistoryEntity, OrderLineEntity } from './order.entity.ts';

export const ordersEntities = [OrderEntity, OrderLineEntity, OrderHistoryEntity];
