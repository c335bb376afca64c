/**
 * The arithmetic of invoice amounts, in integer minor units (BigInt where a
 * product could pass 2^53). Chinese retail prices include VAT, so tax is
 * taken out of each line's amount, per line:
 *
 * 1. The order's discount (coupon and points) is shared across lines in
 *    proportion to their totals; the shares are floored and the minor units
 *    left over go to the lines with the largest remainders (ties: the earlier
 *    line), so the shares add up to the discount exactly.
 * 2. A line's amount = its total - its share; the amounts add up to the
 *    order's total, which is what the customer paid.
 * 3. A line's tax = amount x rate / (1 + rate), rounded half up (half away
 *    from zero on a credit note's negative amounts) to the minor unit; its
 *    net = amount - tax. Invoice totals are the sums of the lines, so
 *    subtotal + tax total = total to the cent.
 */

/** Tax rates by the catalogue's tax class, in basis points (see README: VAT on goods 13 %, reduced 9 %, exempt 0). */
export const TAX_RATE_BP: Record<string, number> = { STANDARD: 1300, REDUCED: 900, EXEMPT: 0 };
/** A SKU the catalogue no longer knows is taxed at the standard rate: never less tax than due. */
export const DEFAULT_TAX_CLASS = 'STANDARD';

/** Splits `total` over `weights` in proportion, exactly (largest remainder). Weights are non-negative; total has any sign. */
export function allocate(total: number, weights: readonly number[]): number[] {
  const sign = total < 0 ? -1n : 1n;
  const amount = BigInt(Math.abs(total));
  const sum = weights.reduce((acc, weight) => acc + BigInt(weight), 0n);
  if (weights.some((weight) => weight < 0)) throw new Error('allocate: weights must not be negative');
  if (sum === 0n) {
    if (amount !== 0n) throw new Error(`allocate: cannot share ${total} over weights that are all zero`);
    return weights.map(() => 0);
  }
  const shares = weights.map((weight) => (amount * BigInt(weight)) / sum);
  const remainders = weights.map((weight, index) => ({ index, remainder: (amount * BigInt(weight)) % sum }));
  let left = amount - shares.reduce((acc, share) => acc + share, 0n);
  remainders.sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1));
  for (const { index } of remainders) {
    if (left === 0n) break;
    shares[index]! += 1n;
    left -= 1n;
  }
  return shares.map((share) => Number(share * sign));
}

/** The tax in a tax-inclusive amount: amount x bp / (10000 + bp), rounded half away from zero. */
export function includedTax(amountMinor: number, rateBp: number): number {
  if (rateBp === 0) return 0;
  const amount = BigInt(Math.abs(amountMinor));
  const denominator = BigInt(10000 + rateBp);
  const tax = (2n * amount * BigInt(rateBp) + denominator) / (2n * denominator);
  return Number(amountMinor < 0 ? -tax : tax);
}

export type SourceLine = {
  skuCode: string;
  description: string;
  quantity: number;
  unitPriceMinor: number;
  lineTotalMinor: number;
  taxRateBp: number;
};
export type PricedLine = SourceLine & { discountMinor: number; amountMinor: number; taxMinor: number; netMinor: number };
export type Totals = { subtotalMinor: number; taxMinor: number; totalMinor: number };

/** The lines of an invoice for an order whose lines add up to `subtotal` and whose discount is `discount`. */
export function priceLines(lines: readonly SourceLine[], discountMinor: number): PricedLine[] {
  const shares = allocate(
    discountMinor,
    lines.map((line) => line.lineTotalMinor),
  );
  return lines.map((line, index) => {
    const discount = shares[index]!;
    const amountMinor = line.lineTotalMinor - discount;
    const taxMinor = includedTax(amountMinor, line.taxRateBp);
    return { ...line, discountMinor: discount, amountMinor, taxMinor, netMinor: amountMinor - taxMinor };
  });
}

export function totalsOf(lines: readonly { amountMinor: number; taxMinor: number; netMinor: number }[]): Totals {
  return {
    subtotalMinor: lines.reduce((sum, line) => sum + line.netMinor, 0),
    taxMinor: lines.reduce((sum, line) => sum + line.taxMinor, 0),
    totalMinor: lines.reduce((sum, line) => sum + line.amountMinor, 0),
  };
}

/** What is left of an invoice line after earlier credit notes (their amounts are negative). */
export type RemainingLine = { lineId: string; quantity: number; amountMinor: number; taxMinor: number; fullyUncredited: boolean };

export type CreditLine = { lineId: string; quantity: number; amountMinor: number; taxMinor: number; netMinor: number };

/**
 * The lines of a credit note taking back `creditMinor` (positive, at most what
 * remains) of an invoice: in proportion to what remains of each line, exactly;
 * the tax of a line credited completely is exactly its remaining tax, so an
 * invoice cancelled in full nets to zero on every line.
 */
export function creditLines(remaining: readonly RemainingLine[], creditMinor: number): CreditLine[] {
  const remainingTotal = remaining.reduce((sum, line) => sum + line.amountMinor, 0);
  if (creditMinor <= 0 || creditMinor > remainingTotal) {
    throw new Error(`creditLines: the credit must be above 0 and at most ${remainingTotal}; received ${creditMinor}`);
  }
  const shares = allocate(
    creditMinor,
    remaining.map((line) => line.amountMinor),
  );
  return remaining.flatMap((line, index) => {
    const share = shares[index]!;
    if (share === 0) return [];
    const whole = share === line.amountMinor;
    const tax = whole ? line.taxMinor : Math.min(line.taxMinor, includedTaxOfShare(line, share));
    return [
      {
        lineId: line.lineId,
        quantity: whole && line.fullyUncredited ? -line.quantity : 0,
        amountMinor: -share,
        taxMinor: -tax,
        netMinor: -(share - tax),
      },
    ];
  });
}

/** The tax in part of a line: the same share of the line's remaining tax, rounded half up. */
function includedTaxOfShare(line: RemainingLine, share: number): number {
  const numerator = 2n * BigInt(line.taxMinor) * BigInt(share) + BigInt(line.amountMinor);
  return Number(numerator / (2n * BigInt(line.amountMinor)));
}
