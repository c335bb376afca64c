import { Bar, Line } from 'react-chartjs-2';
import { useTranslation } from 'react-i18next';
import { CHART_OPTIONS, SERIES_COLOURS } from '../../components/charts.ts';
import { formatMoney } from '../../format.ts';
import { CHANNELS, type HourlySeries } from './hourly.ts';
import { WINDOW_HOURS } from './OrdersDashboardPage.tsx';

const STACKED = { ...CHART_OPTIONS, scales: { x: { stacked: true }, y: { ...CHART_OPTIONS.scales.y, stacked: true } } } as const;

/** The headline totals, then orders per hour (stacked by channel) and revenue per hour (a line per channel). */
export function HourlyCharts({ series }: { series: HourlySeries }) {
  const { t, i18n } = useTranslation();
  const hour = new Intl.DateTimeFormat(i18n.language, { hour: '2-digit', minute: '2-digit' });
  const labels = series.hours.map((start) => hour.format(start));
  const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
  const orders = CHANNELS.reduce((total, channel) => total + sum(series.orders[channel]), 0);
  const revenue = CHANNELS.reduce((total, channel) => total + sum(series.revenueHundredths[channel]), 0);
  const currency = series.currency ?? 'CNY';
  const ordersTitle = t('ordersDashboard.ordersChart');
  const revenueTitle = t('ordersDashboard.revenueChart', { currency });
  return (
    <>
      <dl className="figures">
        <div>
          <dt>{t('ordersDashboard.totalOrders')}</dt>
          <dd data-figure="orders">{new Intl.NumberFormat(i18n.language).format(orders)}</dd>
        </div>
        <div>
          <dt>{t('ordersDashboard.totalRevenue')}</dt>
          <dd data-figure="revenue">{formatMoney({ amount: (revenue / 100).toFixed(2), currencyCode: currency })}</dd>
        </div>
      </dl>
      <div className="columns">
        <figure className="chart" data-chart="orders">
          <figcaption>{ordersTitle}</figcaption>
          <div style={{ position: 'relative', height: '14rem' }}>
            <Bar
              role="img"
              aria-label={t('ordersDashboard.chartLabel', { chart: ordersTitle, hours: WINDOW_HOURS })}
              options={STACKED}
              data={{
                labels,
                datasets: CHANNELS.map((channel, index) => ({
                  label: t(`ordersDashboard.channel.${channel}`),
                  data: series.orders[channel],
                  backgroundColor: SERIES_COLOURS[index],
                })),
              }}
            >
              {ordersTitle}
            </Bar>
          </div>
        </figure>
        <figure className="chart" data-chart="revenue">
          <figcaption>{revenueTitle}</figcaption>
          <div style={{ position: 'relative', height: '14rem' }}>
            <Line
              role="img"
              aria-label={t('ordersDashboard.chartLabel', { chart: revenueTitle, hours: WINDOW_HOURS })}
              options={CHART_OPTIONS}
              data={{
                labels,
                datasets: CHANNELS.map((channel, index) => ({
                  label: t(`ordersDashboard.channel.${channel}`),
                  data: series.revenueHundredths[channel].map((value) => value / 100),
                  borderColor: SERIES_COLOURS[index],
                  backgroundColor: SERIES_COLOURS[index],
                })),
              }}
            >
              {revenueTitle}
            </Line>
          </div>
        </figure>
      </div>
    </>
  );
}
