import i18next from 'i18next';

export interface Money {
  amount: string;
  currencyCode: string;
}

/** An amount in its currency, as the shopper's language writes it; the exact decimal string is kept when Intl cannot. */
export function formatMoney(money: Money | null | undefined): string {
  if (!money) return '';
  const amount = Number(money.amount);
  if (!Number.isFinite(amount)) return `${money.amount} ${money.currencyCode}`;
  try {
    return new Intl.NumberFormat(i18next.language, { style: 'currency', currency: money.currencyCode }).format(amount);
  } catch {
    return `${money.amount} ${money.currencyCode}`;
  }
}

/** A time from the API (ISO 8601) as the shopper's language writes a date and time; empty for none. */
export function formatDateTime(time: string | null | undefined): string {
  return time ? new Date(time).toLocaleString(i18next.language) : '';
}

/** A time from the API (ISO 8601) as the shopper's language writes its date; empty for none. */
export function formatDate(time: string | null | undefined): string {
  return time ? new Date(time).toLocaleDateString(i18next.language) : '';
}

/**
 * An exact decimal amount ("129.9", "129.90", "-5") in hundredths (12990n), so sums and differences of money are
 * exact, never floats (0.1 + 0.2 is 0.30); null when it is not such an amount (words, grouping, a third decimal).
 */
export function toHundredths(amount: string): bigint | null {
  const match = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(amount.trim());
  if (!match) return null;
  const value = BigInt(match[2]!) * 100n + BigInt((match[3] ?? '').padEnd(2, '0'));
  return match[1] ? -value : value;
}

/** Hundredths back to the API's decimal string: 12990n is "129.90". */
export function fromHundredths(hundredths: bigint): string {
  const sign = hundredths < 0n ? '-' : '';
  const absolute = hundredths < 0n ? -hundredths : hundredths;
  return `${sign}${absolute / 100n}.${String(absolute % 100n).padStart(2, '0')}`;
}
