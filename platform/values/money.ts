import { quoted } from '../graphql/excerpt.ts';
/**
 * Money is an integer count of minor units plus an ISO 4217 code (docs/architecture.md §3);
 * on the wire it is `Money { amount: Decimal! currencyCode: String! }` with
 * the amount as a decimal string ("289.00"). No float ever holds an amount.
 */
export type Money = { minor: number; currency: string };
export type MoneyView = { amount: string; currencyCode: string };

/** ISO 4217 minor-unit exponents of the currencies we accept. */
const EXPONENTS: Record<string, number> = {
  CNY: 2,
  HKD: 2,
  TWD: 2,
  USD: 2,
  EUR: 2,
  GBP: 2,
  SGD: 2,
  AUD: 2,
  CAD: 2,
  CHF: 2,
  JPY: 0,
  KRW: 0,
};

export const SUPPORTED_CURRENCIES = Object.keys(EXPONENTS);

export function currencyExponent(currency: string): number | undefined {
  return EXPONENTS[currency];
}

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

export type MoneyParse = { ok: true; money: Money } | { ok: false; message: string };

/** Parses `{ amount: "289.00", currencyCode: "CNY" }`, with a message a client can show when it is wrong. */
export function parseMoney(input: { amount: string; currencyCode: string }): MoneyParse {
  const exponent = currencyExponent(input.currencyCode);
  if (exponent === undefined) {
    return { ok: false, message: `currency must be one of ${SUPPORTED_CURRENCIES.join(', ')}; received ${quoted(input.currencyCode)}` };
  }
  const match = DECIMAL.exec(input.amount);
  if (!match) return { ok: false, message: `amount must be a decimal such as "129.90"; received ${quoted(input.amount)}` };
  const [, sign, whole = '0', fraction = ''] = match;
  if (fraction.length > exponent) {
    return {
      ok: false,
      message: `${input.currencyCode} amounts have at most ${exponent} decimal places; received ${quoted(input.amount)}`,
    };
  }
  const minor = Number(whole) * 10 ** exponent + Number(fraction.padEnd(exponent, '0') || '0');
  if (!Number.isSafeInteger(minor)) return { ok: false, message: `amount is too large; received ${quoted(input.amount)}` };
  return { ok: true, money: { minor: sign ? -minor : minor, currency: input.currencyCode } };
}

export function formatMinor(minor: number, currency: string): string {
  const exponent = currencyExponent(currency) ?? 2;
  const sign = minor < 0 ? '-' : '';
  const digits = Math.abs(minor)
    .toString()
    .padStart(exponent + 1, '0');
  if (exponent === 0) return `${sign}${digits}`;
  return `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

export function moneyView(minor: number, currency: string): MoneyView {
  return { amount: formatMinor(minor, currency), currencyCode: currency };
}
