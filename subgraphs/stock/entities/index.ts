import { PurchaseOrderEntity, PurchaseOrderLineEntity } from './purchase-order.entity.ts';
import { ReceiptEntity, ReceiptLineEntity } from './receipt.entity.ts';
import { ReservationEntity, ReservationLineEntity } from './reservation.entity.ts';
import { StockLevelEntity } from './stock-level.entity.ts';
import { StockMovementEntity } from './stock-movement.entity.ts';
import { StockReturnEntity } from './stock-return.entity.ts';
import { WarehouseEntity } from './warehouse.entity.ts';

export const stockEntities = [
  WarehouseEntity,
  StockLevelEntity,
  StockMovementEntity,
  ReservationEntity,
  ReservationLineEntity,
  ReceiptEntity,
  ReceiptLineEntity,
  PurchaseOrderEntity,
  PurchaseOrderLineEntity,
  StockReturnEntity,
];
