import { OrdersInitial } from './0001-initial.ts';
import { OrdersDiscounts } from './0002-discounts.ts';
import { OrdersRefunds } from './0003-refunds.ts';
import { OrdersNumberSequence } from './0004-number-sequence.ts';

/** Every committed migration, in the order they run. Append; never edit one that has shipped. */
export const ordersMigrations = [OrdersInitial, OrdersDiscounts, OrdersRefunds, OrdersNumberSequence];
