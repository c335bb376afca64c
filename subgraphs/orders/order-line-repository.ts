import type { Database, EntityManager } from '../../platform/db/database.ts';

/**
 * The hand-written statements on `order_line`: a return's quantities, set in
 * the transaction of the status change they belong to.
 */

/** Records how many units of the order's SKU the customer asked to return. */
export function setReturnRequested(db: Database, tx: EntityManager, orderId: string, skuCode: string, quantity: number): Promise<number> {
  return db.run(tx, 'update order_line set return_requested_quantity = ? where order_id = ? and sku_code = ?', [
    quantity,
    orderId,
    skuCode,
  ]);
}

/** Every line of the order: the units asked to be returned have arrived. */
export function markReturnsReceived(db: Database, tx: EntityManager, orderId: string): Promise<number> {
  return db.run(tx, 'update order_line set returned_quantity = return_requested_quantity where order_id = ?', [orderId]);
}
