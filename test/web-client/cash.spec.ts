import { fromHundredths, toHundredths } from '../../web-client/src/format.ts';
import { tender } from '../../web-client/src/pages/register/cash.ts';

// The till counts cash exactly, in hundredths: the change is never off by a float's rounding, and less than the total
// (or something that is not an amount) is refused before any payment is asked for.
const CNY = (amount: string) => ({ amount, currencyCode: 'CNY' });

describe('cash at the React client’s register', () => {
  it('gives the exact change for what was tendered, where floating point would not', () => {
    expect(tender('100', CNY('58.30'))).toEqual({ kind: 'enough', tendered: CNY('100.00'), change: CNY('41.70') });
    // 0.3 - 0.1 is 0.19999999999999998 in floating point.
    expect(tender('0.3', CNY('0.10'))).toEqual({ kind: 'enough', tendered: CNY('0.30'), change: CNY('0.20') });
    expect(tender(' 58.3 ', CNY('58.30'))).toEqual({ kind: 'enough', tendered: CNY('58.30'), change: CNY('0.00') });
  });

  it('refuses less than the total, and anything that is not an amount', () => {
    expect(tender('58.29', CNY('58.30'))).toEqual({ kind: 'short', tendered: CNY('58.29') });
    expect(tender('0', CNY('0.01'))).toEqual({ kind: 'short', tendered: CNY('0.00') });
    for (const typed of ['', 'fifty', '50.005', '1,000', '-100', '1e3', '100.']) {
      expect({ typed, counted: tender(typed, CNY('10.00')) }).toEqual({ typed, counted: { kind: 'invalid' } });
    }
  });

  it('reads and writes the API’s decimal strings in hundredths', () => {
    expect(['129.9', '129.90', '0.05', '-5', '7'].map(toHundredths)).toEqual([12990n, 12990n, 5n, -500n, 700n]);
    expect(toHundredths('1.234')).toBeNull();
    expect([12990n, 5n, 0n, -500n, 123456789012n].map(fromHundredths)).toEqual(['129.90', '0.05', '0.00', '-5.00', '1234567890.12']);
  });
});
