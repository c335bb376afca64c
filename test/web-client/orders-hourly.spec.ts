import type { DashboardOrderFragment, OrderStatus, SalesChannel } from '../../web-client/src/gql/graphql.ts';
import { hourlySeries, hundredths, windowStart } from '../../web-client/src/pages/orders/hourly.ts';

// The orders dashboard's hourly buckets: exact revenue in hundredths, per channel, inside the window only.
const START = new Date('2026-12-04T06:00:00.000Z');
let next = 0;
const order = (
  createdAt: string,
  channel: SalesChannel,
  amount: string,
  status: OrderStatus = 'PAID',
  currencyCode = 'CNY',
): DashboardOrderFragment => {
  next += 1;
  return {
    __typename: 'Order',
    id: String(next),
    number: `SO-${next}`,
    status,
    channel,
    createdAt,
    total: { __typename: 'Money', amount, currencyCode },
  };
};

describe('the orders dashboard’s hourly series', () => {
  it('starts the window on the hour, so the last bucket holds now', () => {
    expect(windowStart(new Date('2026-12-04T17:26:46.123Z'), 12).toISOString()).toBe('2026-12-04T06:00:00.000Z');
  });

  it('reads amounts exactly in hundredths', () => {
    expect(hundredths('0.1')).toBe(10);
    expect(hundredths('656.00')).toBe(65600);
    expect(hundredths('-3.05')).toBe(-305);
  });

  it('counts orders per hour and channel, and sums revenue exactly, leaving out cancelled orders, other currencies and orders outside the window', () => {
    const series = hourlySeries(
      [
        order('2026-12-04T06:00:00.000Z', 'ONLINE', '0.10'),
        order('2026-12-04T06:59:59.999Z', 'ONLINE', '0.20'),
        order('2026-12-04T07:30:00.000Z', 'STORE', '99.99'),
        order('2026-12-04T07:45:00.000Z', 'STORE', '50.00', 'CANCELLED'),
        order('2026-12-04T17:59:00.000Z', 'ONLINE', '1.00', 'PAID', 'USD'),
        order('2026-12-04T05:59:59.999Z', 'ONLINE', '5.00'),
        order('2026-12-04T18:00:00.000Z', 'STORE', '5.00'),
      ],
      START,
      12,
    );
    expect(series.currency).toBe('CNY');
    expect(series.hours).toHaveLength(12);
    expect(series.hours[11]!.toISOString()).toBe('2026-12-04T17:00:00.000Z');
    expect(series.orders.ONLINE.slice(0, 2)).toEqual([2, 0]);
    expect(series.orders.STORE.slice(0, 2)).toEqual([0, 2]);
    expect(series.orders.ONLINE[11]).toBe(1);
    // 0.10 + 0.20 is exactly 30 hundredths; the cancelled store order and the USD order add nothing.
    expect(series.revenueHundredths.ONLINE.slice(0, 2)).toEqual([30, 0]);
    expect(series.revenueHundredths.STORE.slice(0, 2)).toEqual([0, 9999]);
    expect(series.revenueHundredths.ONLINE[11]).toBe(0);
    const total = (values: number[]) => values.reduce((sum, value) => sum + value, 0);
    expect(total(series.orders.ONLINE) + total(series.orders.STORE)).toBe(5);
  });
});
