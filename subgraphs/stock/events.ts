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
 * Consumed: nothing. Stock answers orders' calls (reserve, extend, commit,
 * release, return) and tells everyone else through these events.
 */
export { STOCK_CHANGED, type StockChangedEvent } from './ledger.ts';
export { RESERVATION_EXPIRED } from './reservations.ts';

/** What ReservationExpired carries: the reference is the order id of the checkout that reserved. */
export type ReservationExpiredData = {
  reference: string;
  lines: { skuCode: string; warehouseId: string; quantity: number }[];
  expiredAt: string;
};
