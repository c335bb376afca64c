import { checkTaxId, usccCheckCharacter } from '../tax-id.ts';

/** GB 32100-2015 unified social credit codes, and the looser rules for other ids. */
describe('buyer tax ids', () => {
  it("accepts the contract example's code, whose check character B is the right one", () => {
    expect(usccCheckCharacter('91310115MA1K3YJ20')).toBe('B');
    expect(checkTaxId('COMPANY', '91310115MA1K3YJ20B')).toEqual({ ok: true, taxId: '91310115MA1K3YJ20B' });
  });

  it('accepts the standard’s worked example and computes a check value of 31 as 0', () => {
    expect(checkTaxId('COMPANY', '91350100M000100Y43')).toEqual({ ok: true, taxId: '91350100M000100Y43' });
    // Brute force a prefix whose weighted sum is 0 mod 31: its check character is "0", not an out-of-range 31.
    const prefix = '9131011500000000';
    const last = [...'0123456789ABCDEFGHJKLMNPQRTUWXY'].find((c) => usccCheckCharacter(`${prefix}${c}`) === '0');
    expect(last).toBeDefined();
    expect(checkTaxId('COMPANY', `${prefix}${last}0`).ok).toBe(true);
  });

  it('names the right check character when one character is wrong', () => {
    expect(checkTaxId('COMPANY', '91310115MA1K3YJ20A')).toEqual({
      ok: false,
      message: 'the check character of unified social credit code 91310115MA1K3YJ20A should be B (GB 32100-2015), not A',
    });
    expect(checkTaxId('COMPANY', '91310115MA1K3YJ21B').ok).toBe(false);
  });

  it('refuses letters the code never uses, other lengths, and a company without a tax id', () => {
    expect(checkTaxId('COMPANY', '91310115MA1K3YJ2OB')).toMatchObject({
      ok: false,
      message: expect.stringContaining('without I, O, S, V, Z'),
    });
    expect(checkTaxId('COMPANY', '9131011').ok).toBe(false);
    expect(checkTaxId('COMPANY', '').ok).toBe(false);
    expect(checkTaxId('COMPANY', null).ok).toBe(false);
  });

  it('normalizes case and spaces, and accepts a legacy 15 or 20 character taxpayer number', () => {
    expect(checkTaxId('COMPANY', ' 91310115ma1k3yj20b ')).toEqual({ ok: true, taxId: '91310115MA1K3YJ20B' });
    expect(checkTaxId('COMPANY', '310115123456789')).toEqual({ ok: true, taxId: '310115123456789' });
    expect(checkTaxId('COMPANY', '31011512345678901234').ok).toBe(true);
    expect(checkTaxId('COMPANY', '31011512345678-').ok).toBe(false);
  });

  it("takes a person's id by length and characters, and none at all", () => {
    expect(checkTaxId('PERSON', undefined)).toEqual({ ok: true, taxId: null });
    expect(checkTaxId('PERSON', '11010519491231002x')).toEqual({ ok: true, taxId: '11010519491231002X' });
    expect(checkTaxId('PERSON', 'E1234')).toMatchObject({ ok: false });
    expect(checkTaxId('PERSON', 'E12345/6')).toMatchObject({ ok: false });
  });
});
