import { type FormEvent, useId } from 'react';
import { useTranslation } from 'react-i18next';
import { formValue, Message } from '../../components/forms.tsx';
import { levelKey, type useStockPage } from './use-stock-page.ts';

type StockPage = ReturnType<typeof useStockPage>;

/** The filter form: words narrow the products whose levels the table and charts show. */
export function StockFilter({ page }: { page: StockPage }) {
  const { t } = useTranslation();
  const id = useId();
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    page.filter(formValue(event.currentTarget, 'search'));
  };
  return (
    <search>
      <form className="inline" onSubmit={submit}>
        <label htmlFor={id}>{t('stockDashboard.filter')}</label>
        <input type="search" id={id} name="search" placeholder={t('stockDashboard.filterPlaceholder')} />
        <button type="submit">{t('stockDashboard.show')}</button>
      </form>
    </search>
  );
}

/** One page of levels; a row whose level just changed lights up (app.css's .flash). */
export function StockLevelsTable({ page }: { page: StockPage }) {
  const { t } = useTranslation();
  const headingId = useId();
  return (
    <section aria-labelledby={headingId}>
      <h2 id={headingId}>{t('stockDashboard.levels')}</h2>
      {page.error && <Message kind="error">{t('failed', { message: page.error.message })}</Message>}
      {page.loading ? (
        <Message>{t('loading')}</Message>
      ) : page.levels.length === 0 ? (
        <Message>{t('stockDashboard.none')}</Message>
      ) : (
        <table id="stock-levels">
          <caption>{t('stockDashboard.levelsCaption', { page: page.page, count: page.levels.length, skus: page.skuCount })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('stockDashboard.sku')}</th>
              <th scope="col">{t('stockDashboard.product')}</th>
              <th scope="col">{t('stockDashboard.warehouse')}</th>
              <th scope="col" className="number">
                {t('stockDashboard.onHand')}
              </th>
              <th scope="col" className="number">
                {t('stockDashboard.reserved')}
              </th>
              <th scope="col" className="number">
                {t('stockDashboard.available')}
              </th>
            </tr>
          </thead>
          <tbody>
            {page.levels.map((level) => {
              const key = levelKey(level.sku.code, level.warehouse.code);
              return (
                <tr
                  key={key}
                  data-sku={level.sku.code}
                  data-warehouse={level.warehouse.code}
                  className={page.flashing.has(key) ? 'flash' : undefined}
                >
                  <td>
                    <code>{level.sku.code}</code>
                  </td>
                  <td>{level.sku.product?.name ?? level.sku.name}</td>
                  <td>{level.warehouse.code}</td>
                  <td className="number" data-column="onHand">
                    {level.onHand}
                  </td>
                  <td className="number" data-column="reserved">
                    {level.reserved}
                  </td>
                  <td className="number" data-column="available">
                    {level.available}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <nav className="pager" aria-label={t('stockDashboard.levels')}>
        <button type="button" disabled={!page.hasPrevious} onClick={page.previous}>
          {t('stockDashboard.previous')}
        </button>{' '}
        <button type="button" disabled={!page.hasNext} onClick={page.next}>
          {t('stockDashboard.next')}
        </button>
      </nav>
    </section>
  );
}
