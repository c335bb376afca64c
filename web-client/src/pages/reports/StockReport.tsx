import { useQuery } from '@apollo/client/react';
import { useTranslation } from 'react-i18next';
import { ReportsStockValuation } from './operations.ts';
import { ReportView } from './ReportView.tsx';

const COLUMNS = [{ label: 'warehouse' }, { label: 'units', numeric: true }, { label: 'value', numeric: true }, { label: 'currency' }];

/** What the stock on hand is worth at cost, per warehouse (and currency). */
export function StockValuationReport() {
  const { t } = useTranslation();
  const query = useQuery(ReportsStockValuation);
  const lines = query.data?.stockValuation.lines ?? [];
  const uncosted = query.data?.stockValuation.uncostedLevels ?? 0;
  return (
    <ReportView
      id="stock-valuation"
      title={t('reports.stockValuation')}
      summary={uncosted ? <p className="muted">{t('reports.uncosted', { count: uncosted })}</p> : null}
      chartTitle={t('reports.valueChart')}
      labels={lines.map((line) => line.warehouse.code)}
      series={[{ label: t('reports.column.value'), values: lines.map((line) => Number(line.value.amount)) }]}
      columns={COLUMNS}
      rows={lines.map((line) => [line.warehouse.code, String(line.units), line.value.amount, line.value.currencyCode])}
      loading={query.loading}
      error={query.error ? t('reports.failed') : undefined}
    />
  );
}
