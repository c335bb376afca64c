import { InvoicesInitial } from './0001-initial.ts';
import { InvoicesNumberSequence } from './0002-number-sequence.ts';
import { InvoicesListIndex } from './0003-invoice-list-index.ts';

/** Every committed migration, in the order they run. Append; never edit one that has shipped. */
export const invoicesMigrations = [InvoicesInitial, InvoicesNumberSequence, InvoicesListIndex];
