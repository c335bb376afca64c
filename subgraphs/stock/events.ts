/*
 * Every event the stock subgraph publishes and consumes, in one place.
 *
 * Published (through the outbox, in the transaction of the change):
 * - StockChanged: a level moved (ledger.ts, the one way a level changes);
 *   `stockChanged` streams it to subscribers.
 * - ReservationExpired: a reservation ran out before it was committed
 *   (reservations.ts); orders cancels the unpaid order and members gives its
 *   discounts back.
 *
 * - WarehouseChanged: a warehouse was created or updated (warehouses.ts). A
 *   SKU's stock counts only active warehouses and lists warehouses by
 *   priority, so every SKU's stock answer may change: the router's entity
 *   cache drops all of them (docs/architecture.md §12); a rare staff action.
 * - ReorderPointChanged: a level's reorder point was set (inventory.ts); it
 *   names the SKU whose stock answer (its levels' lowStock) changed.
 *
 * Consumed: nothing. Stock answers orders' calls (reserve, extend, commit,
 * release, return) and tells everyone else through these events.
 */
export { STOCK_CHANGED, type StockChangedEvent } from './ledger.ts';
export { RESERVATION_EXPIRED } from './reservations.ts';

export const WAREHOUSE_CHANGED = 'WarehouseChanged';
export const REORDER_POINT_CHANGED = 'ReorderPointChanged';
export type WarehouseChangedData = { warehouseId: string };
export type ReorderPointChangedData = { skuCode: string; warehouseId: string };

/** What ReservationExpired carries: the reference is the order id of the checkout that reserved. */
export type ReservationExpiredData = {
  reference: string;
  lines: { skuCode: string; warehouseId: string; quantity: number }[];
  expiredAt: string;
};
