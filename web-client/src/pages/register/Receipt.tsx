import { useTranslation } from 'react-i18next';
import { formatMoney } from '../../format.ts';
import type { RegisterOrderQuery } from '../../gql/graphql.ts';
import type { CashTaken } from './cash.ts';

type Order = NonNullable<RegisterOrderQuery['order']>;

/** The customer's receipt: on screen below the till, and the only thing printed (app.css's print rules). */
export function Receipt({ order, cash }: { order: Order; cash: CashTaken | null }) {
  const { t } = useTranslation();
  return (
    <section className="receipt" aria-labelledby="receipt-heading">
      <h2 id="receipt-heading">{t('register.receipt')}</h2>
      <p>
        {t('register.receiptNumber', { number: order.number })}
        <br />
        {new Date(order.createdAt).toLocaleString()}
        {order.member ? (
          <>
            <br />
            {t('register.receiptMember', { name: order.member.name })}
          </>
        ) : null}
      </p>
      <table>
        <caption className="visually-hidden">{t('register.lines')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('basket.product')}</th>
            <th scope="col" className="number">
              {t('basket.quantity')}
            </th>
            <th scope="col" className="number">
              {t('basket.lineTotal')}
            </th>
          </tr>
        </thead>
        <tbody>
          {order.lines.map((line) => (
            <tr key={line.sku.code}>
              <td>
                {line.sku.name} <code>{line.sku.code}</code>
              </td>
              <td className="number">
                {line.quantity} × {formatMoney(line.unitPrice)}
              </td>
              <td className="number">{formatMoney(line.lineTotal)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={2}>
              {t('register.subtotal')}
            </th>
            <td className="number">{formatMoney(order.subtotal)}</td>
          </tr>
          {order.couponCode || order.pointsRedeemed ? (
            <tr>
              <th scope="row" colSpan={2}>
                {order.couponCode
                  ? t('register.discount', { coupon: order.couponCode, points: order.pointsRedeemed })
                  : t('register.discountPoints', { points: order.pointsRedeemed })}
              </th>
              <td className="number">−{formatMoney(order.discount)}</td>
            </tr>
          ) : null}
          <tr>
            <th scope="row" colSpan={2}>
              {t('basket.total')}
            </th>
            <td className="number" data-testid="receipt-total">
              {formatMoney(order.total)}
            </td>
          </tr>
          {cash ? (
            <>
              <tr>
                <th scope="row" colSpan={2}>
                  {t('register.receiptTendered')}
                </th>
                <td className="number" data-testid="receipt-tendered">
                  {formatMoney(cash.tendered)}
                </td>
              </tr>
              <tr>
                <th scope="row" colSpan={2}>
                  {t('register.receiptChange')}
                </th>
                <td className="number" data-testid="receipt-change">
                  {formatMoney(cash.change)}
                </td>
              </tr>
            </>
          ) : null}
          <tr>
            <th scope="row" colSpan={2}>
              {t('register.receiptStatus')}
            </th>
            <td className="number">{t(`register.status.${order.status}`)}</td>
          </tr>
        </tfoot>
      </table>
      <p className="muted">{t('register.thanks')}</p>
    </section>
  );
}
