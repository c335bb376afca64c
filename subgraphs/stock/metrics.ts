import type { SubgraphDefinition } from '../../platform/graphql/subgraph.ts';
import { ReservationEntity } from './entities/reservation.entity.ts';
import type { StockLoaders } from './loaders.ts';
import { countLowStockLevels } from './stock-level-repository.ts';

/**
 * Stock's gauges at `/metrics`: reservations holding goods right now (expired
 * ones count until the sweeper releases them), and levels that need reordering.
 */
export const stockMetrics: NonNullable<SubgraphDefinition<StockLoaders>['metrics']> = {
  stock_reservations_active: {
    help: 'Stock reservations in status ACTIVE.',
    read: (db) => db.fork().count(ReservationEntity, { status: 'ACTIVE' }),
  },
  stock_levels_low: {
    help: 'Stock levels in active warehouses whose available quantity (on hand - reserved) is at or under their reorder point.',
    read: (db) => countLowStockLevels(db, db.fork()),
  },
};
