import { createHash } from 'node:crypto';
import { hasScope } from '../../platform/auth/identity.ts';
import { retryOnLockConflict } from '../../platform/db/conflicts.ts';
import { keyScope } from '../../platform/db/idempotency.ts';
import { quoted } from '../../platform/graphql/excerpt.ts';
import { failed, succeeded, type UserError, UserErrors } from '../../platform/graphql/user-errors.ts';
import { checkCount, checkInteger, checkText, SKU_CODE } from '../../platform/graphql/validation.ts';
import { PeerUnavailable } from '../../platform/http/service-client.ts';
import { newId } from '../../platform/values/ids.ts';
import { applyDiscounts, giveDiscountsBack, NO_DISCOUNTS } from './checkout-discounts.ts';
import type { OrdersContext } from './context.ts';
import { type Order, OrderEntity, OrderLineEntity, type SalesChannel } from './entities/order.entity.ts';
import { nextOrderNumber } from './order-number.ts';
import { recordPlaced } from './order-state.ts';
import { cataloguePrices, changeReservation, type Price, reserveStock } from './peers.ts';

/*
 * Checkout, as steps with their compensation:
 *
 * 1. validate the input (nothing is read or written before it passes);
 * 2. a known idempotency key returns its order (or DUPLICATE_REQUEST for a different basket);
 * 3. prices come from the catalogue, never from the client;
 * 4. stock reserves every line or none, under the order id. The id is derived
 *    from (caller, idempotency key), so a retry, or two racing calls, ask stock
 *    for the same reservation and stock's own idempotency reserves once;
 * 5. with a coupon or points, members takes them off the subtotal, once per
 *    order id (checkout-discounts.ts). A refusal or an outage releases the
 *    reservation of step 4;
 * 6. the order, its lines, its number, history and OrderPlaced event are
 *    written in one transaction, total = subtotal - discount. If that fails,
 *    steps 5 and 4 are compensated: the discounts are given back and the
 *    reservation released.
 *
 * A crash between 4 and 6 leaves a reservation (and discounts) without an
 * order; the reservation expires on its own, members' sweeper gives the
 * discounts back, and a retry with the same key completes the checkout.
 */

export type OrderErrorCode =
  | 'INVALID_VALUE'
  | 'UNKNOWN_SKU'
  | 'UNKNOWN_ORDER'
  | 'INSUFFICIENT_STOCK'
  | 'INVALID_STATE_TRANSITION'
  | 'DUPLICATE_REQUEST'
  | 'SERVICE_UNAVAILABLE'
  | 'INVALID_COUPON'
  | 'INSUFFICIENT_POINTS'
  | 'NOT_ALLOWED';

export type AddressInput = {
  name: string;
  phone: string;
  line1: string;
  line2?: string | null;
  city: string;
  postalCode: string;
  country: string;
};
export type PlaceOrderInput = {
  idempotencyKey: string;
  channel: SalesChannel;
  lines: { skuCode: string; quantity: number }[];
  couponCode?: string | null;
  pointsToRedeem?: number | null;
  shippingAddress?: AddressInput | null;
  storeWarehouseId?: string | null;
  memberId?: string | null;
};

/** How long an unpaid order holds its stock. */
export const PAYMENT_WINDOW_SECONDS = 30 * 60;
const MAX_LINES = 50;
const MAX_QUANTITY = 999;
const MAX_COUPON_CODE_LENGTH = 40;
/** Far more than any order could take (a point is one minor unit); members checks the real limit, the order's total. */
const MAX_POINTS = 100_000_000;

type Payload = { order: Order | null; userErrors: UserError<OrderErrorCode>[] };
const refuse = (code: OrderErrorCode, field: string | null, message: string): Payload => failed('order', [{ code, field, message }]);

/** Whose order it is: the member named by the cashier of a STORE sale, the signed-in member online, or nobody (a guest). */
function memberOf(ctx: OrdersContext, input: PlaceOrderInput): string | null {
  if (input.channel === 'STORE') return input.memberId ?? null;
  return ctx.identity.kind === 'member' ? ctx.identity.subject : null;
}

function validate(ctx: OrdersContext, input: PlaceOrderInput, memberId: string | null): UserErrors<OrderErrorCode> {
  const errors = new UserErrors<OrderErrorCode>();
  checkText(errors, 'input.idempotencyKey', input.idempotencyKey, 200);
  checkCount(errors, 'input.lines', input.lines, MAX_LINES, 'lines');
  const seen = new Set<string>();
  input.lines.forEach((line, i) => {
    if (!SKU_CODE.test(line.skuCode))
      errors.add(
        'INVALID_VALUE',
        `input.lines[${i}].skuCode`,
        `input.lines[${i}].skuCode is not a SKU code; received ${quoted(line.skuCode)}`,
      );
    checkInteger(errors, `input.lines[${i}].quantity`, line.quantity, 1, MAX_QUANTITY);
    if (seen.has(line.skuCode))
      errors.add('INVALID_VALUE', `input.lines[${i}].skuCode`, `${line.skuCode} is on more than one line; put it on one`);
    seen.add(line.skuCode);
  });
  if (input.channel === 'ONLINE') {
    if (!input.shippingAddress) errors.add('INVALID_VALUE', 'input.shippingAddress', 'an ONLINE order needs a shipping address');
    else checkAddress(errors, input.shippingAddress);
    if (input.storeWarehouseId) errors.add('INVALID_VALUE', 'input.storeWarehouseId', 'only a STORE sale names a store');
  } else {
    if (!hasScope(ctx.identity, 'orders:write'))
      errors.add('NOT_ALLOWED', 'input.channel', 'a STORE sale is made by a cashier holding orders:write');
    if (!input.storeWarehouseId) errors.add('INVALID_VALUE', 'input.storeWarehouseId', 'a STORE sale names the store the goods leave from');
  }
  if (input.memberId && !(input.channel === 'STORE' && hasScope(ctx.identity, 'orders:write'))) {
    errors.add(
      'NOT_ALLOWED',
      'input.memberId',
      'only a cashier names the member of a STORE sale; an ONLINE order belongs to the signed-in member',
    );
  }
  // Coupons and points are the members subgraph's (checkout-discounts.ts); a guest has neither,
  // so that is said before anything is reserved.
  const coupon = couponOf(input);
  if (input.couponCode && input.couponCode.length > MAX_COUPON_CODE_LENGTH) {
    errors.add(
      'INVALID_VALUE',
      'input.couponCode',
      `input.couponCode must have at most ${MAX_COUPON_CODE_LENGTH} characters; received ${input.couponCode.length}`,
    );
  } else if (coupon && !memberId) {
    errors.add(
      'INVALID_COUPON',
      'input.couponCode',
      `coupon "${coupon}" belongs to a member: sign in (or, in a store, name the member) to use it`,
    );
  }
  if ((input.pointsToRedeem ?? 0) !== 0) {
    checkInteger(errors, 'input.pointsToRedeem', input.pointsToRedeem ?? 0, 0, MAX_POINTS);
    if (!memberId) errors.add('INSUFFICIENT_POINTS', 'input.pointsToRedeem', 'points belong to members: sign in to redeem them');
  }
  return errors;
}

function checkAddress(errors: UserErrors<OrderErrorCode>, address: AddressInput): void {
  checkText(errors, 'input.shippingAddress.name', address.name, 120);
  checkText(errors, 'input.shippingAddress.phone', address.phone, 40);
  checkText(errors, 'input.shippingAddress.line1', address.line1, 200);
  checkText(errors, 'input.shippingAddress.city', address.city, 80);
  checkText(errors, 'input.shippingAddress.postalCode', address.postalCode, 20);
  if (!/^[A-Z]{2}$/.test(address.country)) {
    errors.add(
      'INVALID_VALUE',
      'input.shippingAddress.country',
      `input.shippingAddress.country must be an ISO 3166 code such as CN; received ${quoted(address.country)}`,
    );
  }
}

/** The order id for (caller, idempotency key): the same pair always names the same order and reservation. */
export function orderIdFor(caller: string, idempotencyKey: string): string {
  const hex = createHash('sha256').update(`${caller}\n${idempotencyKey}`).digest('hex');
  // Laid out as an RFC 9562 version 8 (custom) UUID, like our other ids in shape.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** What tells a retry from a reuse of the key: the basket, channel, store, member, address, coupon and points. */
function requestOf(input: PlaceOrderInput, memberId: string | null): string {
  const lines = [...input.lines].sort((a, b) => a.skuCode.localeCompare(b.skuCode)).map((line) => [line.skuCode, line.quantity]);
  const coupon = couponOf(input);
  const points = input.pointsToRedeem ?? 0;
  return JSON.stringify({
    channel: input.channel,
    lines,
    store: input.storeWarehouseId ?? null,
    memberId,
    address: input.shippingAddress ?? null,
    // Only when used, so the fingerprints of orders placed before discounts existed stay as they were.
    ...(coupon ? { coupon } : {}),
    ...(points ? { points } : {}),
  });
}

/** The coupon code as members reads it (trimmed, upper case), or null: a blank code is no coupon. */
const couponOf = (input: PlaceOrderInput) => input.couponCode?.trim().toUpperCase() || null;

async function existingOrder(ctx: OrdersContext, caller: string, key: string, request: string): Promise<Payload | null> {
  const order = await ctx.em.findOne(OrderEntity, { caller, idempotencyKey: key }, { refresh: true });
  if (!order) return null;
  if (order.request !== request)
    return refuse('DUPLICATE_REQUEST', 'input.idempotencyKey', `idempotencyKey "${key}" was used for a different order (${order.number})`);
  return succeeded('order', order);
}

export async function placeOrder(ctx: OrdersContext, input: PlaceOrderInput): Promise<Payload> {
  const memberId = memberOf(ctx, input);
  const errors = validate(ctx, input, memberId);
  if (errors.any) return failed('order', errors);
  const request = requestOf(input, memberId);
  const caller = keyScope(ctx.identity, request);
  const earlier = await existingOrder(ctx, caller, input.idempotencyKey, request);
  if (earlier) return earlier;

  const orderId = orderIdFor(caller, input.idempotencyKey);
  let prices: Map<string, Price>;
  try {
    prices = await cataloguePrices(
      ctx,
      input.lines.map((line) => line.skuCode),
    );
  } catch (error) {
    if (error instanceof PeerUnavailable) return unavailable('catalogue', error);
    throw error;
  }
  const priceErrors = new UserErrors<OrderErrorCode>();
  input.lines.forEach((line, i) => {
    if (!prices.has(line.skuCode))
      priceErrors.add('UNKNOWN_SKU', `input.lines[${i}].skuCode`, `the catalogue has no SKU "${line.skuCode}"`);
  });
  const currencies = new Set([...prices.values()].map((price) => price.currency));
  if (currencies.size > 1)
    priceErrors.add(
      'INVALID_VALUE',
      'input.lines',
      `these SKUs are priced in different currencies (${[...currencies].join(', ')}); order them separately`,
    );
  if (priceErrors.any) return failed('order', priceErrors);

  let reservation: Awaited<ReturnType<typeof reserveStock>>;
  try {
    reservation = await reserveStock(ctx, {
      reference: orderId,
      lines: input.lines,
      ttlSeconds: PAYMENT_WINDOW_SECONDS,
      warehouseId: input.storeWarehouseId,
    });
  } catch (error) {
    if (!(error instanceof PeerUnavailable)) throw error;
    // The reservation may have happened with its answer lost: give it back, best effort (it also expires on its own).
    await changeReservation(ctx, 'releaseReservation', orderId).catch(() => undefined);
    return unavailable('stock', error);
  }
  if (!reservation.reservation) {
    const stockError = reservation.userErrors[0];
    if (stockError?.code === 'INSUFFICIENT_STOCK') return refuse('INSUFFICIENT_STOCK', 'input.lines', stockError.message);
    if (stockError?.code === 'DUPLICATE_REQUEST')
      return refuse('DUPLICATE_REQUEST', 'input.idempotencyKey', `idempotencyKey "${input.idempotencyKey}" was used for a different order`);
    if (stockError?.code === 'UNKNOWN_WAREHOUSE' || stockError?.code === 'WAREHOUSE_INACTIVE') {
      return refuse('INVALID_VALUE', 'input.storeWarehouseId', stockError.message);
    }
    throw new Error(`stock refused the reservation: ${JSON.stringify(reservation.userErrors)}`);
  }

  const currency = [...currencies][0]!;
  const lines = input.lines.map((line, position) => {
    const unit = prices.get(line.skuCode)!.minor;
    return {
      orderId,
      position,
      skuCode: line.skuCode,
      quantity: line.quantity,
      unitPriceMinor: unit,
      lineTotalMinor: unit * line.quantity,
      returnRequestedQuantity: 0,
      returnedQuantity: 0,
    };
  });
  const subtotal = lines.reduce((sum, line) => sum + line.lineTotalMinor, 0);
  const discounts = await applyDiscounts(ctx, {
    orderId,
    memberId,
    couponCode: couponOf(input),
    pointsToRedeem: input.pointsToRedeem ?? 0,
    subtotalMinor: subtotal,
    currency,
  });
  if (!discounts.ok) {
    if (!discounts.keepStock) await changeReservation(ctx, 'releaseReservation', orderId).catch(() => undefined);
    return failed('order', discounts.userErrors);
  }
  const { applied } = discounts;

  try {
    // A lock conflict (MySQL) changed nothing: run the write again rather than give the reservation back.
    const order = await retryOnLockConflict(() =>
      ctx.db.transaction(ctx.em, async (tx) => {
        const now = new Date();
        const order = tx.create(OrderEntity, {
          id: orderId,
          number: await nextOrderNumber(ctx.db, tx, now),
          status: 'PENDING_PAYMENT',
          channel: input.channel,
          memberId,
          caller,
          idempotencyKey: input.idempotencyKey,
          request,
          currency,
          subtotalMinor: subtotal,
          discountMinor: applied.discountMinor,
          couponCode: applied.couponCode,
          pointsRedeemed: applied.pointsRedeemed,
          totalMinor: subtotal - applied.discountMinor,
          refundedMinor: 0,
          reservationExpiresAt: new Date(reservation.reservation!.expiresAt),
          shippingJson: input.shippingAddress ? JSON.stringify(input.shippingAddress) : null,
          storeWarehouseId: input.storeWarehouseId ?? null,
          carrier: null,
          trackingNumber: null,
          version: 1,
          createdAt: now,
          updatedAt: now,
        });
        await tx.flush(); // the order row before its lines (ids are plain columns)
        for (const line of lines) tx.create(OrderLineEntity, { id: newId(), ...line });
        recordPlaced(ctx, tx, order, ctx.identity.subject);
        return order;
      }),
    );
    return succeeded('order', order);
  } catch (error) {
    // A racing call with the same key won: its order holds this very reservation, which must stay.
    const winner = await existingOrder(ctx, caller, input.idempotencyKey, request);
    if (winner) return winner;
    if (await ctx.em.findOne(OrderEntity, { id: orderId }, { refresh: true })) throw error;
    if (applied !== NO_DISCOUNTS) await giveDiscountsBack(ctx, orderId);
    await changeReservation(ctx, 'releaseReservation', orderId).catch(() => undefined);
    throw error;
  }
}

function unavailable(peer: string, error: Error): Payload {
  return refuse(
    'SERVICE_UNAVAILABLE',
    null,
    `the ${peer} service did not answer (${error.message}); no order was placed and no stock reserved. Retry with the same idempotencyKey.`,
  );
}
