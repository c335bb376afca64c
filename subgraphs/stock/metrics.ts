import type { SubgraphDefinition } from '../../platform/graphql/subgraph.ts';
import { ReservationEntity } from './entities/reservation.entity.ts';
import type { StockLoaders } from './loaders.ts';

/** Stock's gauges at `/metrics`: reservations holding goods right now (expired ones count until the sweeper releases them). */
export const stockMetrics: NonNullable<SubgraphDefinition<StockLoaders>['metrics']> = {
  stock_reservations_active: {
    help: 'Stock reservations in status ACTIVE.',
    read: (db) => db.fork().count(ReservationEntity, { status: 'ACTIVE' }),
  },
};
