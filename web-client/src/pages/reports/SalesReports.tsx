import { useQuery } from '@apollo/client/react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useDateRange } from './DateRange.tsx';
import { ReportsSales } from './operations.ts';
import { ReportView } from './ReportView.tsx';

const SALES_COLUMNS = [
  { label: 'day' },
  { label: 'orders', numeric: true },
  { label: 'units', numeric: true },
  { label: 'revenue', numeric: true },
  { label: 'currency' },
];
const SKU_COLUMNS = [{ label: 'sku' }, ...SALES_COLUMNS.slice(1)];
/** How many SKUs the top-SKU report shows. */
export const TOP_SKUS = 10;

function useSales(groupBy: 'DAY' | 'SKU') {
  const range = useDateRange();
  const query = useQuery(ReportsSales, { variables: { ...range.period!, groupBy }, skip: !range.period });
  return { range, query, rows: query.data?.salesReport.rows ?? [] };
}

/** Sales per UTC day of the period, in date order: orders and units, revenue in the chart. */
export function SalesPerDayReport() {
  const { t } = useTranslation();
  const { range, query, rows } = useSales('DAY');
  return (
    <ReportView
      id="sales-per-day"
      title={t('reports.salesPerDay')}
      controls={range.controls}
      chartTitle={t('reports.revenueChart')}
      labels={rows.map((row) => row.key)}
      series={[{ label: t('reports.column.revenue'), values: rows.map((row) => Number(row.revenue.amount)) }]}
      columns={SALES_COLUMNS}
      rows={rows.map((row) => [row.key, String(row.orders), String(row.units), row.revenue.amount, row.revenue.currencyCode])}
      loading={query.loading}
      error={query.error ? t('reports.failed') : undefined}
    />
  );
}

/** The period's best-selling SKUs, ranked by units or by revenue (the graph ranks by revenue; units are re-ranked here). */
export function TopSkusReport() {
  const { t } = useTranslation();
  const { range, query, rows } = useSales('SKU');
  const [rankBy, setRankBy] = useState<'units' | 'revenue'>('units');
  const ranked = [...rows]
    .sort(
      (a, b) =>
        (rankBy === 'units' ? b.units - a.units : Number(b.revenue.amount) - Number(a.revenue.amount)) || a.key.localeCompare(b.key),
    )
    .slice(0, TOP_SKUS);
  const controls = (
    <>
      {range.controls}
      <label className="field">
        {t('reports.rankBy')}{' '}
        <select value={rankBy} onChange={(event) => setRankBy(event.target.value as 'units' | 'revenue')}>
          <option value="units">{t('reports.column.units')}</option>
          <option value="revenue">{t('reports.column.revenue')}</option>
        </select>
      </label>
    </>
  );
  return (
    <ReportView
      id="top-skus"
      title={t('reports.topSkus', { count: TOP_SKUS })}
      controls={controls}
      chartTitle={t(rankBy === 'units' ? 'reports.unitsChart' : 'reports.revenueChart')}
      labels={ranked.map((row) => row.key)}
      series={[
        {
          label: t(`reports.column.${rankBy}`),
          values: ranked.map((row) => (rankBy === 'units' ? row.units : Number(row.revenue.amount))),
        },
      ]}
      columns={SKU_COLUMNS}
      rows={ranked.map((row) => [row.key, String(row.orders), String(row.units), row.revenue.amount, row.revenue.currencyCode])}
      loading={query.loading}
      error={query.error ? t('reports.failed') : undefined}
    />
  );
}
