import { useQuery, useSubscription } from '@apollo/client/react';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Message } from '../../components/forms.tsx';
import type { DashboardOrderFragment } from '../../gql/graphql.ts';
import { useScope } from '../dashboard/StockDashboardPage.tsx';
import { HourlyCharts } from './HourlyCharts.tsx';
import { hourlySeries, windowStart } from './hourly.ts';
import { LatestOrders } from './LatestOrders.tsx';
import { DashboardOrderUpdated, DashboardRecentOrders } from './operations.ts';

/** Hours the charts cover. */
export const WINDOW_HOURS = 12;
/** Orders read when the page opens (the API's largest page); the page says so when the window holds more. */
const ORDERS_READ = 100;

/** Orders and revenue per hour by channel for staff (orders:read), live from orderUpdated. */
export function OrdersDashboardPage() {
  const { t } = useTranslation();
  const allowed = useScope('orders:read');
  return (
    <section>
      <h1>{t('ordersDashboard.title')}</h1>
      {allowed ? (
        <OrdersDashboard />
      ) : (
        <>
          <Message kind="error">{t('ordersDashboard.staffOnly')}</Message>
          <Link to="/login">{t('ordersDashboard.signIn')}</Link>
        </>
      )}
    </section>
  );
}

function OrdersDashboard() {
  const { t } = useTranslation();
  const [start] = useState(() => windowStart(new Date(), WINDOW_HOURS));
  const recent = useQuery(DashboardRecentOrders, { variables: { from: start.toISOString(), first: ORDERS_READ } });
  // Orders pushed since the page opened, by id: a status change replaces the order, a new one is added.
  const [pushed, setPushed] = useState<ReadonlyMap<string, DashboardOrderFragment>>(new Map());
  const [fresh, setFresh] = useState<string | null>(null);
  const live = useSubscription(DashboardOrderUpdated, {
    onData: ({ data }) => {
      const update = data.data?.orderUpdated;
      if (!update || new Date(update.order.createdAt) < start) return;
      setPushed((old) => new Map(old).set(update.order.id, update.order));
      if (update.previousStatus === null) setFresh(update.order.id);
    },
  });

  const orders = useMemo(() => {
    const byId = new Map((recent.data?.orders.edges ?? []).map(({ node }) => [node.id, node]));
    for (const [id, order] of pushed) byId.set(id, order);
    return [...byId.values()];
  }, [recent.data, pushed]);
  const series = useMemo(() => hourlySeries(orders, start, WINDOW_HOURS), [orders, start]);
  const read = recent.data?.orders;

  return (
    <>
      <p className="muted">{t('ordersDashboard.window', { hours: WINDOW_HOURS })}</p>
      {live.error && <Message kind="error">{t('ordersDashboard.stopped', { message: live.error.message })}</Message>}
      {recent.error && <Message kind="error">{t('failed', { message: recent.error.message })}</Message>}
      {read && read.totalCount > read.edges.length && (
        <Message>{t('ordersDashboard.truncated', { shown: read.edges.length, total: read.totalCount })}</Message>
      )}
      {recent.loading ? <Message>{t('loading')}</Message> : <HourlyCharts series={series} />}
      <LatestOrders orders={orders} fresh={fresh} />
    </>
  );
}
