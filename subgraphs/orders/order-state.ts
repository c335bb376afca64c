import type { Database, EntityManager } from '../../platform/db/database.ts';
import type { EventRecorder } from '../../platform/events/outbox.ts';
import { newId } from '../../platform/values/ids.ts';
import { type Order, OrderHistoryEntity, type OrderStatus } from './entities/order.entity.ts';
import { type OrderChanges, updateStatusFrom } from './order-repository.ts';

/**
 * The order state machine. Every change is a conditional UPDATE from the
 * status the caller saw, so two racing changes cannot both apply; the one
 * that does writes a history entry and an event in the same transaction.
 */
const TRANSITIONS: Record<OrderStatus, readonly OrderStatus[]> = {
  PENDING_PAYMENT: ['PAID', 'CANCELLED'],
  PAID: ['SHIPPED', 'CANCELLED'],
  SHIPPED: ['COMPLETED', 'RETURN_REQUESTED'],
  COMPLETED: ['RETURN_REQUESTED'],
  RETURN_REQUESTED: ['RETURNED'],
  CANCELLED: [],
  RETURNED: [],
};

/** The event each status change announces. */
export const EVENT_OF: Record<OrderStatus, string> = {
  PENDING_PAYMENT: 'OrderPlaced',
  PAID: 'OrderPaid',
  SHIPPED: 'OrderShipped',
  COMPLETED: 'OrderCompleted',
  CANCELLED: 'OrderCancelled',
  RETURN_REQUESTED: 'OrderReturnRequested',
  RETURNED: 'OrderReturned',
};
export const ORDER_EVENTS = Object.values(EVENT_OF);

export type OrderEventData = {
  orderId: string;
  number: string;
  status: OrderStatus;
  previousStatus: OrderStatus | null;
  memberId: string | null;
  channel: string;
  total: { minor: number; currency: string };
  note: string | null;
  at: string;
};

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export function transitionError(order: Order, to: OrderStatus): string {
  const allowed = TRANSITIONS[order.status];
  return `order ${order.number} is ${order.status}; it cannot become ${to}${allowed.length ? ` (it can become ${allowed.join(' or ')})` : ''}`;
}

export type TransitionDeps = { db: Database; events: EventRecorder };

/** Records the order's first status (it was just inserted) with its history entry and OrderPlaced event. */
export function recordPlaced(deps: TransitionDeps, tx: EntityManager, order: Order, actor: string | null): void {
  announce(deps, tx, order, null, 'PENDING_PAYMENT', null, actor, order.createdAt);
}

/**
 * Moves `order` from its current status to `to` inside `tx`. Resolves false
 * when the order had already moved on (another request won the race).
 */
export async function transition(
  deps: TransitionDeps,
  tx: EntityManager,
  order: Order,
  to: OrderStatus,
  details: { note?: string | null; actor: string | null; set?: OrderChanges },
): Promise<boolean> {
  if (!canTransition(order.status, to)) return false;
  const now = new Date();
  const changed = await updateStatusFrom(deps.db, tx, { orderId: order.id, from: order.status, to, changes: details.set }, now);
  if (changed !== 1) return false;
  const from = order.status;
  announce(deps, tx, order, from, to, details.note ?? null, details.actor, now);
  return true;
}

function announce(
  deps: TransitionDeps,
  tx: EntityManager,
  order: Order,
  from: OrderStatus | null,
  to: OrderStatus,
  note: string | null,
  actor: string | null,
  at: Date,
): void {
  tx.create(OrderHistoryEntity, { id: newId(), orderId: order.id, status: to, previousStatus: from, note, actor, at });
  deps.events.record<OrderEventData>(tx, EVENT_OF[to], order.id, {
    orderId: order.id,
    number: order.number,
    status: to,
    previousStatus: from,
    memberId: order.memberId ?? null,
    channel: order.channel,
    total: { minor: order.totalMinor, currency: order.currency },
    note,
    at: at.toISOString(),
  });
}
