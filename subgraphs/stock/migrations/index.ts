import { StockInitial } from './0001-initial.ts';
import { StockReturns } from './0002-returns.ts';

/** Every committed migration, in the order they run. Append; never edit one that has shipped. */
export const stockMigrations = [StockInitial, StockReturns];
