import { type BasketLine, basketTotals, lineTotal } from '../../web-client/src/basket.ts';

// The React client's basket sums the API's exact decimal strings in hundredths, never in floating point.
const line = (code: string, amount: string, quantity: number, currencyCode = 'CNY'): BasketLine => ({
  code,
  name: code,
  productName: code,
  price: { amount, currencyCode },
  quantity,
});

describe('the React web client’s basket totals', () => {
  it('sums exactly, where floating point would not (0.10 + 0.20 is 0.30)', () => {
    expect(basketTotals([line('A', '0.1', 1), line('B', '0.20', 1)])).toEqual([{ amount: '0.30', currencyCode: 'CNY' }]);
    expect(lineTotal(line('C', '548.00', 3))).toEqual({ amount: '1644.00', currencyCode: 'CNY' });
    expect(basketTotals([line('D', '19.99', 999)])).toEqual([{ amount: '19970.01', currencyCode: 'CNY' }]);
  });

  it('keeps one total per currency and none for an empty basket', () => {
    expect(basketTotals([line('A', '1.50', 2), line('B', '2.00', 1, 'USD'), line('C', '0.05', 1)])).toEqual([
      { amount: '3.05', currencyCode: 'CNY' },
      { amount: '2.00', currencyCode: 'USD' },
    ]);
    expect(basketTotals([])).toEqual([]);
  });
});
