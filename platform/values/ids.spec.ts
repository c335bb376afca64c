import { newId } from './ids.ts';

describe('newId', () => {
  it('makes RFC 9562 version 7 UUIDs', () => {
    expect(newId()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('sorts ids of later milliseconds after earlier ones', () => {
    expect(newId(1_700_000_000_000) < newId(1_700_000_000_001)).toBe(true);
  });

  it('does not repeat', () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => newId()));
    expect(ids.size).toBe(10_000);
  });
});

describe('newId within one millisecond', () => {
  it('still increases strictly', () => {
    const ids = Array.from({ length: 5_000 }, () => newId(1_800_000_000_000));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
