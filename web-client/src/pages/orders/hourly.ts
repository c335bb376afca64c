// Orders and revenue per hour and channel, summed exactly: amounts in hundredths as integers, never as floats.

import { toHundredths } from '../../format.ts';
import type { DashboardOrderFragment, SalesChannel } from '../../gql/graphql.ts';

export const CHANNELS: readonly SalesChannel[] = ['ONLINE', 'STORE'];
const HOUR_MS = 3_600_000;

export interface HourlySeries {
  /** The start of each hour, oldest first. */
  hours: Date[];
  /** Orders placed per channel, one count per hour. */
  orders: Record<SalesChannel, number[]>;
  /** Revenue in hundredths of `currency` per channel and hour; cancelled orders and other currencies left out. */
  revenueHundredths: Record<SalesChannel, number[]>;
  currency: string | null;
}

/** The start of the first of `hours` hours ending with the one `now` is in. */
export function windowStart(now: Date, hours: number): Date {
  return new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS - (hours - 1) * HOUR_MS);
}

/** An amount such as "129.90" in hundredths (12990), exactly; a chart's sums stay far below 2^53. */
export function hundredths(amount: string): number {
  return Number(toHundredths(amount) ?? 0n);
}

/** Buckets the orders placed in the window by hour and channel; the revenue is in the most common currency. */
export function hourlySeries(orders: Iterable<DashboardOrderFragment>, start: Date, hours: number): HourlySeries {
  const list = [...orders];
  const currencies = new Map<string, number>();
  for (const order of list) currencies.set(order.total.currencyCode, (currencies.get(order.total.currencyCode) ?? 0) + 1);
  const currency = [...currencies.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
  const empty = () =>
    Object.fromEntries(CHANNELS.map((channel) => [channel, new Array<number>(hours).fill(0)])) as Record<SalesChannel, number[]>;
  const series: HourlySeries = {
    hours: Array.from({ length: hours }, (_, index) => new Date(start.getTime() + index * HOUR_MS)),
    orders: empty(),
    revenueHundredths: empty(),
    currency,
  };
  for (const order of list) {
    const hour = Math.floor((new Date(order.createdAt).getTime() - start.getTime()) / HOUR_MS);
    if (!(hour >= 0 && hour < hours)) continue;
    series.orders[order.channel][hour]! += 1;
    if (order.status !== 'CANCELLED' && order.total.currencyCode === currency) {
      series.revenueHundredths[order.channel][hour]! += hundredths(order.total.amount);
    }
  }
  return series;
}
