import { Bar } from 'react-chartjs-2';
import { useTranslation } from 'react-i18next';
import { CHART_OPTIONS, SERIES_COLOURS } from '../../components/charts.ts';
import type { StockLevelRow } from './use-stock-page.ts';

/** A bar chart per warehouse: the available and reserved units of each SKU on the table's page, live as the table. */
export function WarehouseCharts({ levels }: { levels: readonly StockLevelRow[] }) {
  const { t } = useTranslation();
  const warehouses = [...new Set(levels.map((level) => level.warehouse.code))].sort();
  if (warehouses.length === 0) return null;
  return (
    <section aria-labelledby="warehouse-charts">
      <h2 id="warehouse-charts">{t('stockDashboard.charts')}</h2>
      <div className="columns">
        {warehouses.map((warehouse) => {
          const rows = levels.filter((level) => level.warehouse.code === warehouse);
          const label = t('stockDashboard.chartLabel', { warehouse });
          return (
            <figure key={warehouse} className="chart" data-warehouse={warehouse}>
              <figcaption>{warehouse}</figcaption>
              <div style={{ position: 'relative', height: '12rem' }}>
                <Bar
                  role="img"
                  aria-label={label}
                  options={CHART_OPTIONS}
                  data={{
                    labels: rows.map((level) => level.sku.code),
                    datasets: [
                      {
                        label: t('stockDashboard.available'),
                        data: rows.map((level) => level.available),
                        backgroundColor: SERIES_COLOURS[0],
                      },
                      {
                        label: t('stockDashboard.reserved'),
                        data: rows.map((level) => level.reserved),
                        backgroundColor: SERIES_COLOURS[1],
                      },
                    ],
                  }}
                >
                  {label}
                </Bar>
              </div>
            </figure>
          );
        })}
      </div>
    </section>
  );
}
