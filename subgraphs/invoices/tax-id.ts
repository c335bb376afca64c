import { quoted } from '../../platform/graphql/excerpt.ts';
import type { BuyerType } from './entities/invoice.entity.ts';

/**
 * Buyer tax ids. A company's is the unified social credit code of
 * GB 32100-2015: 18 characters from 0-9 and A-Y without I, O, S, V and Z,
 * the last one a check character: with each of the first 17 characters
 * valued by its position in that alphabet and weighted 3^i mod 31,
 * check = 31 - (sum mod 31), where 31 means 0. Companies registered before
 * the code (2015) may still quote a 15- or 20-character taxpayer number,
 * which has no check character: only length and characters are checked.
 * A person's id (resident identity card, passport) is optional and checked by
 * length and characters only.
 */
const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = Array.from({ length: 17 }, (_, i) => 3 ** i % 31);

export function usccCheckCharacter(first17: string): string | null {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = USCC_ALPHABET.indexOf(first17[i] ?? '');
    if (value < 0) return null;
    sum += value * USCC_WEIGHTS[i]!;
  }
  const check = 31 - (sum % 31);
  return USCC_ALPHABET[check === 31 ? 0 : check]!;
}

const USCC_SHAPE = /^[0-9A-HJ-NPQRTUWXY]{18}$/;
const LEGACY_TAXPAYER_NUMBER = /^[0-9A-Z]{15}$|^[0-9A-Z]{20}$/;
const PERSON_ID = /^[0-9A-Z]{6,20}$/;

export type TaxIdCheck = { ok: true; taxId: string | null } | { ok: false; message: string };

/** Normalizes (trim, upper case) and checks a tax id for the buyer type. */
export function checkTaxId(type: BuyerType, raw: string | null | undefined): TaxIdCheck {
  const taxId = raw?.trim().toUpperCase() ?? '';
  if (type === 'PERSON') {
    if (taxId === '') return { ok: true, taxId: null };
    return PERSON_ID.test(taxId)
      ? { ok: true, taxId }
      : { ok: false, message: `a person's tax id has 6 to 20 of 0-9 and A-Z; received ${quoted(raw)}` };
  }
  if (taxId === '') return { ok: false, message: 'a company needs its tax id (the 18-character unified social credit code)' };
  if (taxId.length === 18) {
    if (!USCC_SHAPE.test(taxId)) {
      return {
        ok: false,
        message: `a unified social credit code has 18 of 0-9 and A-Y without I, O, S, V, Z; received ${quoted(raw)}`,
      };
    }
    const expected = usccCheckCharacter(taxId.slice(0, 17));
    if (expected !== taxId[17]) {
      return {
        ok: false,
        message: `the check character of unified social credit code ${taxId} should be ${expected} (GB 32100-2015), not ${taxId[17]}`,
      };
    }
    return { ok: true, taxId };
  }
  return LEGACY_TAXPAYER_NUMBER.test(taxId)
    ? { ok: true, taxId }
    : {
        ok: false,
        message: `a company's tax id is an 18-character unified social credit code (or a 15 or 20 character taxpayer number of 0-9 and A-Z); received ${quoted(raw)}`,
      };
}
