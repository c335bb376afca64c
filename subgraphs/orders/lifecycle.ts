import type { Database } from '../../platform/db/database.ts';
import type { EventBus } from '../../platform/events/bus.ts';
import type { EventRecorder } from '../../platform/events/outbox.ts';
import { failed, succeeded, type UserError, UserErrors } from '../../platform/graphql/user-errors.ts';
import { checkCount, checkInteger, checkText } from '../../platform/graphql/validation.ts';
import type { ServiceClient } from '../../platform/http/service-client.ts';
import { PeerUnavailable } from '../../platform/http/service-client.ts';
import type { Logger } from '../../platform/observability/log.ts';
import { runPeriodically } from '../../platform/runtime/periodic.ts';
import { canWrite } from './access.ts';
import type { OrderErrorCode } from './checkout.ts';
import type { OrdersContext } from './context.ts';
import { type Order, OrderEntity, OrderLineEntity, type OrderStatus } from './entities/order.entity.ts';
import { startOrderConsumers } from './events.ts';
import { markReturnsReceived, setReturnRequested } from './order-line-repository.ts';
import { canTransition, type TransitionDeps, transition, transitionError } from './order-state.ts';
import { changeReservation, reservationLines, returnStock } from './peers.ts';

/**
 * Everything after checkout: payment, cancellation, shipping, completion and
 * returns. A step that involves stock calls stock first when the stock change
 * must not be lost (shipping commits before the order says SHIPPED), and after
 * when the order must not move on a stale view (cancelling marks the order
 * first, so a racing shipment cannot ship a cancelled order).
 */
type Payload = { order: Order | null; userErrors: UserError<OrderErrorCode>[] };
const refuse = (code: OrderErrorCode, field: string | null, message: string): Payload => failed('order', [{ code, field, message }]);

async function load(ctx: OrdersContext, orderId: string): Promise<Order | null> {
  return ctx.em.findOne(OrderEntity, { id: orderId }, { refresh: true });
}

/** Loads the order an input names and checks the caller may change it and that `to` is a legal next status. */
async function prepare(ctx: OrdersContext, orderId: string, to: OrderStatus): Promise<Order | Payload> {
  const order = await load(ctx, orderId);
  if (!order || !canWrite(ctx.identity, order))
    return refuse('UNKNOWN_ORDER', 'input.orderId', `no order with id "${orderId}" that you may change`);
  if (!canTransition(order.status, to)) return refuse('INVALID_STATE_TRANSITION', 'input.orderId', transitionError(order, to));
  return order;
}

async function move(ctx: OrdersContext, order: Order, to: OrderStatus, details: Parameters<typeof transition>[4]): Promise<Payload> {
  const moved = await ctx.db.transaction(ctx.em, (tx) => transition(ctx, tx, order, to, details));
  const after = await load(ctx, order.id);
  if (!moved) return refuse('INVALID_STATE_TRANSITION', 'input.orderId', transitionError(after ?? order, to));
  return succeeded('order', after);
}

const unavailable = (error: Error): Payload =>
  refuse('SERVICE_UNAVAILABLE', null, `the stock service did not answer (${error.message}); the order is unchanged, try again`);

export async function cancelOrder(ctx: OrdersContext, input: { orderId: string; reason: string }): Promise<Payload> {
  const errors = new UserErrors<OrderErrorCode>();
  const reason = checkText(errors, 'input.reason', input.reason, 500);
  if (errors.any) return failed('order', errors);
  const order = await prepare(ctx, input.orderId, 'CANCELLED');
  if (!('id' in order)) return order;
  const result = await move(ctx, order, 'CANCELLED', { note: reason, actor: ctx.identity.subject });
  if (result.order?.status !== 'CANCELLED') return result;
  // The order is cancelled first, so nothing ships it meanwhile; an unreleased reservation expires on its own.
  await giveStockBack(ctx, order).catch((error: unknown) => ctx.log.warn(`release of ${order.number} failed: ${(error as Error).message}`));
  return result;
}

/**
 * Releases the cancelled order's reservation. A shipment racing this
 * cancellation commits the reservation before it tries to mark the order
 * SHIPPED, and that move then loses to ours: the reservation is COMMITTED
 * (stock deducted the units) though nothing left the warehouse. Releasing it
 * alone left those units missing from on-hand stock for good, so they are
 * returned to where they were deducted. Only the one request whose
 * conditional update cancelled the order gets here, so this happens once.
 */
async function giveStockBack(ctx: OrdersContext, order: Order): Promise<void> {
  const released = await changeReservation(ctx, 'releaseReservation', order.id);
  // Stock answers INVALID_STATE_TRANSITION to a release only for a COMMITTED reservation.
  if (released.reservation || !released.userErrors.some((error) => error.code === 'INVALID_STATE_TRANSITION')) return;
  const byWarehouse = new Map<string, { skuCode: string; quantity: number }[]>();
  for (const line of await reservationLines(ctx, order.id)) {
    byWarehouse.set(line.warehouseId, [...(byWarehouse.get(line.warehouseId) ?? []), { skuCode: line.skuCode, quantity: line.quantity }]);
  }
  for (const [warehouseId, lines] of byWarehouse) {
    const problems = await returnStock(ctx, {
      warehouseId,
      reference: `${order.number}-CANCELLED`,
      lines,
      reason: 'order cancelled before it shipped',
    });
    if (problems.length)
      ctx.log.warn(`return of ${order.number}'s committed stock failed: ${problems.map((problem) => problem.message).join('; ')}`);
  }
}

export async function shipOrder(ctx: OrdersContext, input: { orderId: string; carrier: string; trackingNumber: string }): Promise<Payload> {
  const errors = new UserErrors<OrderErrorCode>();
  const carrier = checkText(errors, 'input.carrier', input.carrier, 80);
  const trackingNumber = checkText(errors, 'input.trackingNumber', input.trackingNumber, 80);
  if (errors.any) return failed('order', errors);
  const order = await prepare(ctx, input.orderId, 'SHIPPED');
  if (!('id' in order)) return order;
  try {
    const committed = await changeReservation(ctx, 'commitReservation', order.id);
    if (!committed.reservation) {
      return refuse(
        'INVALID_STATE_TRANSITION',
        'input.orderId',
        `stock cannot ship order ${order.number}: ${committed.userErrors.map((e) => e.message).join('; ')}`,
      );
    }
  } catch (error) {
    if (error instanceof PeerUnavailable) return unavailable(error);
    throw error;
  }
  return move(ctx, order, 'SHIPPED', {
    note: `${carrier} ${trackingNumber}`,
    actor: ctx.identity.subject,
    set: { carrier, trackingNumber },
  });
}

export async function completeOrder(ctx: OrdersContext, input: { orderId: string }): Promise<Payload> {
  const order = await prepare(ctx, input.orderId, 'COMPLETED');
  if (!('id' in order)) return order;
  return move(ctx, order, 'COMPLETED', { actor: ctx.identity.subject });
}

export async function requestReturn(
  ctx: OrdersContext,
  input: { orderId: string; lines: { skuCode: string; quantity: number }[]; reason: string },
): Promise<Payload> {
  const errors = new UserErrors<OrderErrorCode>();
  const reason = checkText(errors, 'input.reason', input.reason, 500);
  checkCount(errors, 'input.lines', input.lines, 50, 'lines');
  const order = await prepare(ctx, input.orderId, 'RETURN_REQUESTED');
  if (!('id' in order)) return order;
  const lines = await ctx.em.find(OrderLineEntity, { orderId: order.id });
  const seen = new Set<string>();
  input.lines.forEach((line, i) => {
    const ordered = lines.find((candidate) => candidate.skuCode === line.skuCode);
    if (!ordered) errors.add('INVALID_VALUE', `input.lines[${i}].skuCode`, `${line.skuCode} is not on order ${order.number}`);
    else checkInteger(errors, `input.lines[${i}].quantity`, line.quantity, 1, ordered.quantity - ordered.returnedQuantity);
    if (seen.has(line.skuCode)) errors.add('INVALID_VALUE', `input.lines[${i}].skuCode`, `${line.skuCode} is on more than one line`);
    seen.add(line.skuCode);
  });
  if (errors.any) return failed('order', errors);
  const moved = await ctx.db.transaction(ctx.em, async (tx) => {
    if (!(await transition(ctx, tx, order, 'RETURN_REQUESTED', { note: reason, actor: ctx.identity.subject }))) return false;
    for (const line of input.lines) {
      await setReturnRequested(ctx.db, tx, order.id, line.skuCode, line.quantity);
    }
    return true;
  });
  const after = await load(ctx, order.id);
  if (!moved) return refuse('INVALID_STATE_TRANSITION', 'input.orderId', transitionError(after ?? order, 'RETURN_REQUESTED'));
  ctx.loaders.linesByOrder.clear(order.id);
  return succeeded('order', after);
}

/** Staff: the returned goods arrived. They go back on hand in the warehouse they shipped from. */
export async function receiveReturn(ctx: OrdersContext, input: { orderId: string }): Promise<Payload> {
  const order = await prepare(ctx, input.orderId, 'RETURNED');
  if (!('id' in order)) return order;
  const lines = (await ctx.em.find(OrderLineEntity, { orderId: order.id })).filter(
    (line) => line.returnRequestedQuantity > line.returnedQuantity,
  );
  try {
    const shipped = await reservationLines(ctx, order.id);
    const byWarehouse = new Map<string, { skuCode: string; quantity: number }[]>();
    for (const line of lines) {
      const source = shipped.find((candidate) => candidate.skuCode === line.skuCode);
      const warehouseId = source?.warehouseId ?? order.storeWarehouseId;
      if (!warehouseId) continue;
      byWarehouse.set(warehouseId, [
        ...(byWarehouse.get(warehouseId) ?? []),
        { skuCode: line.skuCode, quantity: line.returnRequestedQuantity - line.returnedQuantity },
      ]);
    }
    for (const [warehouseId, returned] of byWarehouse) {
      const problems = await returnStock(ctx, {
        warehouseId,
        reference: `${order.number}-RETURN`,
        lines: returned,
        reason: 'customer return',
      });
      if (problems.length)
        return refuse('INVALID_STATE_TRANSITION', 'input.orderId', problems.map((problem) => problem.message).join('; '));
    }
  } catch (error) {
    if (error instanceof PeerUnavailable) return unavailable(error);
    throw error;
  }
  const moved = await ctx.db.transaction(ctx.em, async (tx) => {
    if (!(await transition(ctx, tx, order, 'RETURNED', { note: 'returned goods received', actor: ctx.identity.subject }))) return false;
    await markReturnsReceived(ctx.db, tx, order.id);
    return true;
  });
  const after = await load(ctx, order.id);
  if (!moved) return refuse('INVALID_STATE_TRANSITION', 'input.orderId', transitionError(after ?? order, 'RETURNED'));
  return succeeded('order', after);
}

/** Consumers and the sweeper act as the system: their history entries say so. */
type Deps = TransitionDeps & { log: Logger };

async function moveById(deps: Deps, orderId: string, from: OrderStatus, to: OrderStatus, note: string): Promise<boolean> {
  const em = deps.db.fork();
  const order = await em.findOne(OrderEntity, { id: orderId });
  if (!order || order.status !== from) return false;
  return deps.db.transaction(em, (tx) => transition(deps, tx, order, to, { note, actor: 'system' }));
}

/** How long a paid order keeps its stock reserved while it waits to ship. */
export const PAID_HOLD_SECONDS = 14 * 86_400;

type ConsumerDeps = Deps & { services: ServiceClient };

/**
 * Payments says an order is paid: a pending order becomes PAID. A paid order
 * keeps its stock until it ships, so the reservation is stretched first, and
 * an order never turns PAID with stock about to be released (a failure
 * retries the event). Idempotent: a repeat finds it PAID already.
 */
export async function markOrderPaid(deps: ConsumerDeps, data: { orderId: string; paymentId?: string }, eventId: string): Promise<void> {
  const order = await deps.db.fork().findOne(OrderEntity, { id: data.orderId });
  if (order?.status !== 'PENDING_PAYMENT') return;
  const extended = await changeReservation(deps, 'extendReservation', order.id, { ttlSeconds: PAID_HOLD_SECONDS });
  if (!extended.reservation)
    deps.log.warn(`order ${order.number} is paid but its reservation could not be kept: ${extended.userErrors[0]?.message}`);
  await moveById(deps, data.orderId, 'PENDING_PAYMENT', 'PAID', `payment ${data.paymentId ?? eventId}`);
}

/** Stock says the reservation of an unpaid order expired: the order is cancelled. */
export async function cancelUnpaidOrder(deps: Deps, orderId: string): Promise<void> {
  await moveById(deps, orderId, 'PENDING_PAYMENT', 'CANCELLED', 'not paid before the reservation expired');
}

/**
 * Cancels unpaid orders whose reservation has expired. The ReservationExpired
 * consumer does this as soon as stock announces it; this sweep is the safety
 * net for a process that missed the event (a bus without delivery across
 * processes, a consumer that was down).
 */
export async function cancelExpiredOrders(deps: Deps, now = new Date()): Promise<number> {
  const due = await deps.db
    .fork()
    .find(OrderEntity, { status: 'PENDING_PAYMENT', reservationExpiresAt: { $lte: now } }, { fields: ['id'], limit: 200 });
  let cancelled = 0;
  for (const { id } of due) {
    if (await moveById(deps, id, 'PENDING_PAYMENT', 'CANCELLED', 'not paid before the reservation expired')) cancelled += 1;
  }
  return cancelled;
}

export function startOrderBackground(
  services: { db: Database; bus: EventBus; events: EventRecorder; services: ServiceClient; log: Logger },
  sweepIntervalMs: number,
): () => Promise<void> {
  const stopConsumers = startOrderConsumers(services);
  const stopSweep = runPeriodically('order expiry sweep', () => cancelExpiredOrders(services), sweepIntervalMs, services.log);
  return async () => {
    stopConsumers();
    await stopSweep();
  };
}
