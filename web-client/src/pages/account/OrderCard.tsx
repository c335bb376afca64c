import { useTranslation } from 'react-i18next';
import { TableHead } from '../../components/tables.tsx';
import { formatDateTime, formatMoney } from '../../format.ts';
import type { AccountOrdersQuery } from '../../gql/graphql.ts';
import { InvoiceActions } from './InvoiceActions.tsx';
import { ReturnForm } from './ReturnForm.tsx';

export type AccountOrder = NonNullable<NonNullable<AccountOrdersQuery['me']>['orders']>['edges'][number]['node'];

/** One order: what was bought, its status in words, its history folded, and its invoices and return. */
export function OrderCard({ order, buyer }: { order: AccountOrder; buyer: { name: string; email: string } }) {
  const { t } = useTranslation();
  const headingId = `order-${order.id}`;
  return (
    <article className="panel" aria-labelledby={headingId} data-order-number={order.number}>
      <h3 id={headingId}>{t('account.order', { number: order.number })}</h3>
      <p data-status={order.status}>
        {t('account.orderSummary', {
          time: formatDateTime(order.createdAt),
          status: t(`register.status.${order.status}`),
          total: formatMoney(order.total),
        })}
      </p>
      <ul>
        {order.lines.map((line) => (
          <li key={line.sku.code}>
            {t('account.line', { quantity: line.quantity, name: line.sku.name, code: line.sku.code })}
            {line.returnedQuantity ? ` · ${t('account.lineReturned', { count: line.returnedQuantity })}` : ''}
          </li>
        ))}
      </ul>
      <details>
        <summary>{t('account.history', { count: order.history.length })}</summary>
        <table>
          <caption>{t('account.historyCaption', { number: order.number })}</caption>
          <TableHead columns={[t('account.when'), t('account.status'), t('account.note')]} />
          <tbody>
            {order.history.map((entry) => (
              <tr key={`${entry.status}-${entry.at}`}>
                <td>{formatDateTime(entry.at)}</td>
                <td>{t(`register.status.${entry.status}`)}</td>
                <td>{entry.note ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
      <InvoiceActions order={order} buyer={buyer} />
      <ReturnForm order={order} />
    </article>
  );
}
