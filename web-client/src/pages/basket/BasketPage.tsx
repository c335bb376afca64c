import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { basketTotals, lineTotal, MAX_QUANTITY, removeFromBasket, setQuantity, useBasket } from '../../basket.ts';
import { formatMoney } from '../../format.ts';
import { Checkout } from './Checkout.tsx';

/** The basket: its lines with quantities and line totals, the total, and the checkout. */
export function BasketPage() {
  const { t } = useTranslation();
  const lines = useBasket();
  const totals = basketTotals(lines);
  return (
    <>
      <h1>{t('basket.title')}</h1>
      {lines.length === 0 ? (
        <p>
          {t('basket.empty')} <Link to="/store">{t('basket.findParts')}</Link>
        </p>
      ) : (
        <table id="basket">
          <thead>
            <tr>
              <th scope="col">{t('store.sku')}</th>
              <th scope="col">{t('basket.product')}</th>
              <th scope="col" className="number">
                {t('store.unitPrice')}
              </th>
              <th scope="col">{t('basket.quantity')}</th>
              <th scope="col" className="number">
                {t('basket.lineTotal')}
              </th>
              <td />
            </tr>
          </thead>
          <tbody>
            {lines.map((line) => (
              <tr key={line.code}>
                <td>
                  <code>{line.code}</code>
                </td>
                <td>{line.productName}</td>
                <td className="number">{formatMoney(line.price)}</td>
                <td>
                  <input
                    type="number"
                    min={1}
                    max={MAX_QUANTITY}
                    value={line.quantity}
                    aria-label={t('basket.quantityOf', { code: line.code })}
                    onChange={(event) => setQuantity(line.code, event.target.valueAsNumber)}
                  />
                </td>
                <td className="number">{formatMoney(lineTotal(line))}</td>
                <td>
                  <button type="button" className="link" onClick={() => removeFromBasket(line.code)}>
                    {t('basket.remove', { code: line.code })}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" colSpan={4}>
                {totals.length > 1 ? t('basket.totalMixed') : t('basket.total')}
              </th>
              <td className="number" data-testid="basket-total">
                {totals.map(formatMoney).join(' + ')}
              </td>
              <td />
            </tr>
          </tfoot>
        </table>
      )}
      <Checkout lines={lines} />
    </>
  );
}
