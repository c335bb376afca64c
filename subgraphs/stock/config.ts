import type { CommonConfig } from '../../platform/config/common.ts';
import { declareSettings, wholeNumber } from '../../platform/config/env.ts';

/**
 * The stock subgraph's own setting, which orders reads too: stock releases
 * expired reservations on this beat and orders cancels the unpaid orders whose
 * reservation expired on the same one.
 */

export type ReservationSettings = {
  /** RESERVATION_SWEEP_INTERVAL_MS: how often expired stock reservations are released. */
  reservationSweepIntervalMs: number;
};

const sweepInterval = wholeNumber('RESERVATION_SWEEP_INTERVAL_MS', {
  default: 5000,
  min: 100,
  max: 3_600_000,
  unit: 'milliseconds',
  description: 'How often stock releases expired reservations, and orders cancels unpaid orders whose reservation expired.',
});

export const reservationSettings = declareSettings<CommonConfig, ReservationSettings>({
  readBy: 'stock, orders',
  settings: [sweepInterval],
  build: (read) => ({ reservationSweepIntervalMs: read(sweepInterval) }),
});
