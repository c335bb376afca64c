import { formatMinor, parseMoney } from './money.ts';

describe('parseMoney', () => {
  it.each([
    ['289.00', 'CNY', 28900],
    ['289', 'CNY', 28900],
    ['0.5', 'CNY', 50],
    ['-12.34', 'USD', -1234],
    ['1500', 'JPY', 1500],
  ])('reads %s %s as %d minor units', (amount, currencyCode, minor) => {
    expect(parseMoney({ amount, currencyCode })).toEqual({ ok: true, money: { minor, currency: currencyCode } });
  });

  it.each([
    ['1.001', 'CNY', /at most 2 decimal places; received "1.001"/],
    ['1.5', 'JPY', /at most 0 decimal places/],
    ['12,50', 'CNY', /decimal such as "129.90"; received "12,50"/],
    ['1e3', 'CNY', /decimal/],
    ['10.00', 'XYZ', /currency must be one of .*received "XYZ"/],
    ['99999999999999999999', 'CNY', /too large/],
  ])('refuses %s %s and says why', (amount, currencyCode, message) => {
    const result = parseMoney({ amount, currencyCode });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toMatch(message);
  });
});

describe('formatMinor', () => {
  it('writes minor units with the currency exponent and never a float artefact', () => {
    expect(formatMinor(28900, 'CNY')).toBe('289.00');
    expect(formatMinor(5, 'CNY')).toBe('0.05');
    expect(formatMinor(-1234, 'USD')).toBe('-12.34');
    expect(formatMinor(1500, 'JPY')).toBe('1500');
    expect(formatMinor(30, 'CNY')).toBe('0.30');
  });
});
