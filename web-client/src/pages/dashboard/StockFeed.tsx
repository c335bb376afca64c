import { useTranslation } from 'react-i18next';
import type { StockChange } from './StockDashboardPage.tsx';

/** The latest movements, newest first; the list is capped by the page, so it never grows the page. */
export function StockFeed({ entries }: { entries: readonly StockChange[] }) {
  const { t, i18n } = useTranslation();
  const time = new Intl.DateTimeFormat(i18n.language, { timeStyle: 'medium' });
  return (
    <section aria-labelledby="stock-feed">
      <h2 id="stock-feed">{t('stockDashboard.feed')}</h2>
      {entries.length === 0 ? (
        <p className="muted">{t('stockDashboard.feedEmpty')}</p>
      ) : (
        <ol id="stock-feed-entries" role="log" className="feed">
          {entries.map((change) => (
            <li key={`${change.at}-${change.sku.code}-${change.warehouse.code}-${change.delta}`} data-sku={change.sku.code}>
              {t('stockDashboard.feedEntry', {
                time: time.format(new Date(change.at)),
                sku: change.sku.code,
                warehouse: change.warehouse.code,
                delta: change.delta > 0 ? `+${change.delta}` : String(change.delta),
                available: change.available,
                kind: change.reason ? `${change.kind}, ${change.reason}` : change.kind,
              })}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
