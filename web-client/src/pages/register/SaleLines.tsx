import { useTranslation } from 'react-i18next';
import { formatMoney } from '../../format.ts';
import { MAX_LINE_QUANTITY, removeLine, setLineQuantity, useSale } from './sale.ts';

/** The sale's lines with quantities, each at the price the catalogue gave when scanned; the order's total is the server's. */
export function SaleLines() {
  const { t } = useTranslation();
  const { lines } = useSale();
  if (lines.length === 0) return <p className="muted">{t('register.noLines')}</p>;
  return (
    <table className="register-lines">
      <caption className="visually-hidden">{t('register.lines')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('store.sku')}</th>
          <th scope="col" className="number">
            {t('store.unitPrice')}
          </th>
          <th scope="col">{t('basket.quantity')}</th>
          <td />
        </tr>
      </thead>
      <tbody>
        {lines.map((line) => (
          <tr key={line.code}>
            <td>
              <code>{line.code}</code>
              <br />
              <span className="muted">{line.productName}</span>
            </td>
            <td className="number">{formatMoney(line.price)}</td>
            <td>
              <input
                type="number"
                min={1}
                max={MAX_LINE_QUANTITY}
                value={line.quantity}
                aria-label={t('basket.quantityOf', { code: line.code })}
                onChange={(event) => setLineQuantity(line.code, event.target.valueAsNumber)}
              />
            </td>
            <td>
              <button type="button" className="link" onClick={() => removeLine(line.code)}>
                {/* Short on screen, so a phone's narrow column holds it; the code tells a screen reader which line. */}
                {t('register.remove')}
                <span className="visually-hidden"> {line.code}</span>
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
