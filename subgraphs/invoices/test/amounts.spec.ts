import { allocate, creditLines, includedTax, priceLines, type SourceLine, totalsOf } from '../amounts.ts';

/** The documented arithmetic of invoice amounts (amounts.ts, README "Invoices"). */
const line = (lineTotalMinor: number, taxRateBp: number, quantity = 1): SourceLine => ({
  skuCode: `SKU-${lineTotalMinor}`,
  description: 'part',
  quantity,
  unitPriceMinor: lineTotalMinor / quantity,
  lineTotalMinor,
  taxRateBp,
});

describe('invoice amounts', () => {
  it('shares an amount in proportion with the largest remainders, so the shares add up exactly', () => {
    expect(allocate(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(allocate(1000, [3333, 3333, 3334])).toEqual([333, 333, 334]);
    expect(allocate(-100, [1, 1, 1])).toEqual([-34, -33, -33]);
    expect(allocate(0, [5, 0])).toEqual([0, 0]);
    for (let total = 0; total < 500; total += 7) {
      const shares = allocate(total, [12345, 678, 9, 1000]);
      expect(shares.reduce((a, b) => a + b, 0)).toBe(total);
    }
  });

  it('takes tax out of a tax-inclusive amount, rounding half up (half away from zero when negative)', () => {
    expect(includedTax(11300, 1300)).toBe(1300);
    expect(includedTax(10900, 900)).toBe(900);
    expect(includedTax(12345, 0)).toBe(0);
    // 100 x 0.13 / 1.13 = 11.50442...: rounds to 12; 1356 x 0.09 / 1.09 = 111.963...: 112.
    expect(includedTax(100, 1300)).toBe(12);
    expect(includedTax(-100, 1300)).toBe(-12);
    expect(includedTax(1356, 900)).toBe(112);
    // Exact halves need a rate where amount x rate / (1 + rate) can end in .5: at 100 %, 3 -> 1.5 and 5 -> 2.5.
    expect(includedTax(3, 10000)).toBe(2);
    expect(includedTax(5, 10000)).toBe(3);
    expect(includedTax(-3, 10000)).toBe(-2);
  });

  it('spreads the discount over lines so the invoice total is the order total to the cent', () => {
    const lines = [line(33333, 1300, 3), line(10001, 900), line(999, 0)];
    const priced = priceLines(lines, 1234);
    expect(priced.map((l) => l.discountMinor).reduce((a, b) => a + b, 0)).toBe(1234);
    const totals = totalsOf(priced);
    expect(totals.totalMinor).toBe(33333 + 10001 + 999 - 1234);
    expect(totals.subtotalMinor + totals.taxMinor).toBe(totals.totalMinor);
    for (const l of priced) {
      expect(l.amountMinor).toBe(l.lineTotalMinor - l.discountMinor);
      expect(l.taxMinor).toBe(includedTax(l.amountMinor, l.taxRateBp));
      expect(l.netMinor).toBe(l.amountMinor - l.taxMinor);
    }
    expect(priced[2]!.taxMinor).toBe(0);
  });

  it('credits part of an invoice in proportion, exactly, and what remains in full to zero', () => {
    const priced = priceLines([line(10000, 1300), line(5001, 900), line(999, 0)], 0);
    const remaining = priced.map((l, i) => ({
      lineId: `l${i}`,
      quantity: l.quantity,
      amountMinor: l.amountMinor,
      taxMinor: l.taxMinor,
      fullyUncredited: true,
    }));
    const half = creditLines(remaining, 8000);
    expect(half.reduce((sum, l) => sum + l.amountMinor, 0)).toBe(-8000);
    expect(half.map((l) => l.amountMinor)).toEqual([-5000, -2501, -499]);
    expect(half.every((l) => l.quantity === 0 && l.netMinor === l.amountMinor - l.taxMinor)).toBe(true);
    const left = remaining.map((r, i) => ({
      ...r,
      amountMinor: r.amountMinor + half[i]!.amountMinor,
      taxMinor: r.taxMinor + half[i]!.taxMinor,
      fullyUncredited: false,
    }));
    const rest = creditLines(left, 8000);
    rest.forEach((l, i) => {
      expect(l.amountMinor + half[i]!.amountMinor).toBe(-priced[i]!.amountMinor);
      expect(l.taxMinor + half[i]!.taxMinor).toBe(-priced[i]!.taxMinor);
    });
    // A line credited whole on its first credit gives back its units.
    expect(creditLines(remaining, 16000).map((l) => l.quantity)).toEqual([-1, -1, -1]);
    expect(() => creditLines(remaining, 16001)).toThrow(/at most 16000/);
  });
});
