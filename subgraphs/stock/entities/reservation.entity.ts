import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

export const RESERVATION_STATUSES = ['ACTIVE', 'RELEASED', 'COMMITTED', 'EXPIRED'] as const;
export type ReservationStatus = (typeof RESERVATION_STATUSES)[number];

/**
 * A reservation, keyed by the caller's reference (the order id): the primary
 * key is what makes a retried or racing reserve call reserve only once.
 * `request` is the normalized basket asked for, to tell a retry from a
 * different request under the same reference.
 */
export const ReservationEntity = defineEntity({
  name: 'Reservation',
  tableName: 'reservation',
  properties: {
    reference: p.string().primary(),
    status: p.string().$type<ReservationStatus>(),
    request: p.string(),
    expiresAt: p.datetime(),
    actor: p.string().nullable(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  },
});
export type Reservation = InferEntity<typeof ReservationEntity>;

export const ReservationLineEntity = defineEntity({
  name: 'ReservationLine',
  tableName: 'reservation_line',
  properties: {
    id: p.string().primary(),
    reference: p.string(),
    skuCode: p.string(),
    warehouseId: p.string(),
    quantity: p.integer(),
  },
});
export type ReservationLine = InferEntity<typeof ReservationLineEntity>;
