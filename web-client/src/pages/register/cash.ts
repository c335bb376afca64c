// Cash at the till, counted exactly in hundredths (format.ts): what the customer handed over against the sale's total.
import { fromHundredths, type Money, toHundredths } from '../../format.ts';

/** Cash taken for a sale: what the customer handed over and the change given back. */
export interface CashTaken {
  tendered: Money;
  change: Money;
}

export type Tender = { kind: 'invalid' } | { kind: 'short'; tendered: Money } | { kind: 'enough'; tendered: Money; change: Money };

/**
 * The cash tendered as the cashier typed it, against `total`: not an amount (words, a third decimal, a minus sign),
 * less than the total (refused: the till never sells for less), or enough, with the change to give back.
 */
export function tender(typed: string, total: Money): Tender {
  const tendered = toHundredths(typed);
  const due = toHundredths(total.amount);
  if (tendered === null || tendered < 0n || due === null) return { kind: 'invalid' };
  const money = (hundredths: bigint): Money => ({ amount: fromHundredths(hundredths), currencyCode: total.currencyCode });
  if (tendered < due) return { kind: 'short', tendered: money(tendered) };
  return { kind: 'enough', tendered: money(tendered), change: money(tendered - due) };
}
