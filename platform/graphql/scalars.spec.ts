import { DateTimeScalar, DecimalScalar } from './scalars.ts';

describe('Decimal', () => {
  it('accepts decimal strings and nothing else', () => {
    expect(DecimalScalar.parseValue('129.90')).toBe('129.90');
    expect(() => DecimalScalar.parseValue(129.9)).toThrow(/Decimal must be a string such as "129.90"; received 129.9/);
    expect(() => DecimalScalar.parseValue('12,90')).toThrow(/received "12,90"/);
  });
});

describe('DateTime', () => {
  it('serializes dates as ISO 8601 in UTC', () => {
    expect(DateTimeScalar.serialize(new Date(Date.UTC(2026, 10, 1)))).toBe('2026-11-01T00:00:00.000Z');
  });

  it('parses ISO strings with a zone and refuses others', () => {
    expect(DateTimeScalar.parseValue('2026-11-01T08:00:00+08:00')).toEqual(new Date(Date.UTC(2026, 10, 1)));
    expect(() => DateTimeScalar.parseValue('2026-11-01')).toThrow(/ISO 8601/);
    expect(() => DateTimeScalar.parseValue('yesterday')).toThrow(/received "yesterday"/);
  });
});
