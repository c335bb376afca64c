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
