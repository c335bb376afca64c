import { useTranslation } from 'react-i18next';
import { formatMoney } from '../../format.ts';
import type { DashboardHeadlineQuery } from '../../gql/graphql.ts';

/**
 * The figures at a glance, from what the graph answers without reading every level: out of stock and under
 * the reorder point come from lowStockLevels (levels at or under their reorder point, so a SKU out of stock
 * without a reorder point is not counted), the values per warehouse from stockValuation, and the reserved
 * units from the table's page (no query sums them over all SKUs).
 */
export function Headline({ data, reservedOnPage }: { data: DashboardHeadlineQuery | undefined; reservedOnPage: number }) {
  const { t, i18n } = useTranslation();
  const number = new Intl.NumberFormat(i18n.language);
  const low = data?.lowStockLevels ?? [];
  const outOfStock = new Set(low.filter((level) => level.available <= 0).map((level) => level.sku.code)).size;
  return (
    <section aria-labelledby="stock-headline">
      <h2 id="stock-headline">{t('stockDashboard.headline')}</h2>
      <dl className="figures">
        <div>
          <dt>{t('stockDashboard.outOfStock')}</dt>
          <dd data-figure="out-of-stock">{data ? number.format(outOfStock) : '…'}</dd>
        </div>
        <div>
          <dt>{t('stockDashboard.belowReorder')}</dt>
          <dd data-figure="below-reorder">{data ? number.format(low.length) : '…'}</dd>
        </div>
        <div>
          <dt>{t('stockDashboard.reservedOnPage')}</dt>
          <dd data-figure="reserved">{number.format(reservedOnPage)}</dd>
        </div>
        {data?.stockValuation.lines.map((line) => (
          <div key={`${line.warehouse.id}-${line.value.currencyCode}`}>
            <dt>{t('stockDashboard.value', { warehouse: line.warehouse.code })}</dt>
            <dd data-figure="value" data-warehouse={line.warehouse.code}>
              {t('stockDashboard.valueUnits', { value: formatMoney(line.value), units: number.format(line.units) })}
            </dd>
          </div>
        ))}
      </dl>
      {data && data.stockValuation.uncostedLevels > 0 && (
        <p className="muted">{t('stockDashboard.uncosted', { count: data.stockValuation.uncostedLevels })}</p>
      )}
    </section>
  );
}
