import { useQuery } from '@apollo/client/react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { Message } from '../../../components/forms.tsx';
import { TableHead } from '../../../components/tables.tsx';
import { formatMoney } from '../../../format.ts';
import { currentUser } from '../../../session.ts';
import { OrderActions } from './OrderActions.tsx';
import { BackOfficeOrder } from './operations.ts';
import { Payments } from './Payments.tsx';

/** #/back-office/orders/<id>: what was bought, how it was paid, what happened to it, and what may happen next. */
export function OrderDetail() {
  const { t } = useTranslation();
  const { orderId = '' } = useParams();
  const { data, loading, error, refetch } = useQuery(BackOfficeOrder, { variables: { id: orderId }, fetchPolicy: 'cache-and-network' });
  const order = data?.order;
  const mayRefund = currentUser()?.scopes.includes('payments:write') ?? false;
  const changed = async () => {
    await refetch();
  };

  return (
    <section aria-labelledby="bo-order-title">
      <p>
        <Link to="..">{t('boOrders.back')}</Link>
      </p>
      {error ? <Message kind="error">{t('failed', { message: error.message })}</Message> : null}
      {!order && loading ? <p>{t('loading')}</p> : null}
      {data && !order ? <Message kind="error">{t('boOrders.notFound')}</Message> : null}
      {order ? (
        <>
          <h1 id="bo-order-title">{t('boOrders.orderTitle', { number: order.number })}</h1>
          <dl className="figures">
            <div>
              <dt>{t('boOrders.status')}</dt>
              <dd data-testid="bo-order-status">{t(`ordersDashboard.statusName.${order.status}`)}</dd>
            </div>
            <div>
              <dt>{t('boOrders.channel')}</dt>
              <dd>{t(`ordersDashboard.channel.${order.channel}`)}</dd>
            </div>
            <div>
              <dt>{t('boOrders.customer')}</dt>
              <dd>{order.member?.name ?? t('boOrders.guest')}</dd>
            </div>
            <div>
              <dt>{t('boOrders.total')}</dt>
              <dd>{formatMoney(order.total)}</dd>
            </div>
            <div>
              <dt>{t('boOrders.refunded')}</dt>
              <dd>{formatMoney(order.refunded)}</dd>
            </div>
            {order.carrier ? (
              <div>
                <dt>{t('boOrders.shipment')}</dt>
                <dd>{t('boOrders.shippedWith', { carrier: order.carrier, tracking: order.trackingNumber ?? '' })}</dd>
              </div>
            ) : null}
          </dl>
          <OrderActions order={order} onChanged={changed} />
          <div className="columns">
            <section aria-labelledby="bo-order-lines">
              <h2 id="bo-order-lines">{t('boOrders.lines')}</h2>
              <table>
                <TableHead
                  columns={[
                    t('boOrders.sku'),
                    [t('boOrders.quantity'), 'number'],
                    [t('boOrders.returned'), 'number'],
                    [t('boOrders.lineTotal'), 'number'],
                  ]}
                />
                <tbody>
                  {order.lines.map((line) => (
                    <tr key={line.sku.code}>
                      <td>
                        {line.sku.name} <code>{line.sku.code}</code>
                      </td>
                      <td className="number">{line.quantity}</td>
                      <td className="number">{line.returnedQuantity}</td>
                      <td className="number">{formatMoney(line.lineTotal)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
            <section aria-labelledby="bo-order-history">
              <h2 id="bo-order-history">{t('boOrders.history')}</h2>
              <ol className="feed">
                {order.history.map((entry) => (
                  <li key={`${entry.status}-${entry.at}`}>
                    {new Date(entry.at).toLocaleString()}: {t(`ordersDashboard.statusName.${entry.status}`)}
                    {entry.note ? ` (${entry.note})` : ''}
                  </li>
                ))}
              </ol>
            </section>
          </div>
          <Payments payments={order.payments} mayRefund={mayRefund} onChanged={changed} />
        </>
      ) : null}
    </section>
  );
}
