import { useQuery } from '@apollo/client/react';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Route, Routes } from 'react-router';
import { Field, formValue, Message } from '../../../components/forms.tsx';
import { TableHead } from '../../../components/tables.tsx';
import { formatMoney } from '../../../format.ts';
import type { OrderStatus, SalesChannel } from '../../../gql/graphql.ts';
import { OrderDetail } from './OrderDetail.tsx';
import { BackOfficeOrders } from './operations.ts';
import { Pager, useCursorPaging } from './Paging.tsx';

/** Orders on one page: twenty rows stay well within three screens. */
export const ORDERS_PER_PAGE = 20;
const DAY_MS = 86_400_000;
// The schema's enums as lists for the filter's choices (codegen emits them as types only).
const STATUSES: readonly OrderStatus[] = ['PENDING_PAYMENT', 'PAID', 'SHIPPED', 'COMPLETED', 'CANCELLED', 'RETURN_REQUESTED', 'RETURNED'];
const CHANNELS: readonly SalesChannel[] = ['ONLINE', 'STORE'];

interface Filter {
  status?: OrderStatus;
  channel?: SalesChannel;
  from?: string;
  to?: string;
}

/** A date field's YYYY-MM-DD as the start of that UTC day; `to` is the day after, since the filter's end is exclusive. */
function filterOf(form: HTMLFormElement): Filter {
  const status = formValue(form, 'status');
  const channel = formValue(form, 'channel');
  const from = formValue(form, 'from');
  const to = formValue(form, 'to');
  return {
    ...(status ? { status: status as OrderStatus } : {}),
    ...(channel ? { channel: channel as SalesChannel } : {}),
    ...(from ? { from: new Date(from).toISOString() } : {}),
    ...(to ? { to: new Date(new Date(to).getTime() + DAY_MS).toISOString() } : {}),
  };
}

/** #/back-office/orders: the list, and each order's page beneath it. */
export function OrdersSection() {
  return (
    <Routes>
      <Route index element={<OrderList />} />
      <Route path=":orderId" element={<OrderDetail />} />
    </Routes>
  );
}

function OrderList() {
  const { t } = useTranslation();
  const [filter, setFilter] = useState<Filter>({});
  const paging = useCursorPaging();
  const { data, loading, error } = useQuery(BackOfficeOrders, {
    variables: { filter, first: ORDERS_PER_PAGE, after: paging.after },
    fetchPolicy: 'cache-and-network',
  });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setFilter(filterOf(event.currentTarget));
    paging.reset();
  }

  const orders = data?.orders;
  return (
    <section aria-labelledby="bo-orders-title">
      <h1 id="bo-orders-title">{t('boOrders.title')}</h1>
      <form className="search" aria-label={t('boOrders.filters')} onSubmit={submit}>
        <div className="field">
          <label htmlFor="bo-orders-status">{t('boOrders.status')}</label>
          <select id="bo-orders-status" name="status" defaultValue="">
            <option value="">{t('boOrders.any')}</option>
            {STATUSES.map((status) => (
              <option key={status} value={status}>
                {t(`ordersDashboard.statusName.${status}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="bo-orders-channel">{t('boOrders.channel')}</label>
          <select id="bo-orders-channel" name="channel" defaultValue="">
            <option value="">{t('boOrders.any')}</option>
            {CHANNELS.map((channel) => (
              <option key={channel} value={channel}>
                {t(`ordersDashboard.channel.${channel}`)}
              </option>
            ))}
          </select>
        </div>
        <Field label={t('boOrders.from')} name="from" type="date" />
        <Field label={t('boOrders.to')} name="to" type="date" />
        <button type="submit">{t('boOrders.apply')}</button>
      </form>
      {error ? <Message kind="error">{t('failed', { message: error.message })}</Message> : null}
      {!orders && loading ? <p>{t('loading')}</p> : null}
      {orders ? (
        <>
          <p className="muted">{t('boOrders.count', { count: orders.totalCount })}</p>
          {orders.edges.length ? (
            <table>
              <caption className="visually-hidden">{t('boOrders.title')}</caption>
              <TableHead
                columns={[
                  t('boOrders.number'),
                  t('boOrders.placed'),
                  t('boOrders.channel'),
                  t('boOrders.customer'),
                  t('boOrders.status'),
                  [t('boOrders.total'), 'number'],
                ]}
              />
              <tbody>
                {orders.edges.map(({ node }) => (
                  <tr key={node.id} data-order-id={node.id}>
                    <td>
                      <Link to={node.id}>{node.number}</Link>
                    </td>
                    <td>{new Date(node.createdAt).toLocaleString()}</td>
                    <td>{t(`ordersDashboard.channel.${node.channel}`)}</td>
                    <td>{node.member?.name ?? t('boOrders.guest')}</td>
                    <td>{t(`ordersDashboard.statusName.${node.status}`)}</td>
                    <td className="number">{formatMoney(node.total)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p>{t('boOrders.none')}</p>
          )}
          <Pager
            label={t('boOrders.paging')}
            page={paging.page}
            hasNext={orders.pageInfo.hasNextPage}
            onPrevious={paging.previous}
            onNext={() => paging.next(orders.pageInfo.endCursor)}
          />
        </>
      ) : null}
    </section>
  );
}
