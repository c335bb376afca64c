import { useTranslation } from 'react-i18next';
import { formatMoney } from '../../format.ts';
import type { DashboardOrderFragment } from '../../gql/graphql.ts';

/** Orders shown: the page stays within three screens however many are placed. */
const SHOWN = 8;

/** The newest orders in the window, newest first; one just placed lights up. */
export function LatestOrders({ orders, fresh }: { orders: readonly DashboardOrderFragment[]; fresh: string | null }) {
  const { t, i18n } = useTranslation();
  const time = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'short', timeStyle: 'short' });
  const newest = [...orders].sort((a, b) => b.createdAt.localeCompare(a.createdAt)).slice(0, SHOWN);
  return (
    <section aria-labelledby="latest-orders">
      <h2 id="latest-orders">{t('ordersDashboard.latest')}</h2>
      {newest.length === 0 ? (
        <p className="muted">{t('ordersDashboard.latestEmpty')}</p>
      ) : (
        <table id="latest-orders-table">
          <thead>
            <tr>
              <th scope="col">{t('ordersDashboard.number')}</th>
              <th scope="col">{t('ordersDashboard.placed')}</th>
              <th scope="col">{t('ordersDashboard.channelColumn')}</th>
              <th scope="col">{t('ordersDashboard.status')}</th>
              <th scope="col" className="number">
                {t('ordersDashboard.total')}
              </th>
            </tr>
          </thead>
          <tbody>
            {newest.map((order) => (
              <tr key={order.id} data-order={order.number} className={order.id === fresh ? 'flash' : undefined}>
                <td>{order.number}</td>
                <td>{time.format(new Date(order.createdAt))}</td>
                <td>{t(`ordersDashboard.channel.${order.channel}`)}</td>
                <td data-status={order.status}>{t(`ordersDashboard.statusName.${order.status}`)}</td>
                <td className="number">{formatMoney(order.total)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
