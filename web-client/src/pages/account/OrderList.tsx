import { useQuery } from '@apollo/client/react';
import { useTranslation } from 'react-i18next';
import { Message } from '../../components/forms.tsx';
import { Pager, useCursorPages } from '../../components/Pager.tsx';
import { OrderCard } from './OrderCard.tsx';
import { AccountOrders } from './operations.ts';

/** Orders per page: each is a few lines with its history folded, so a page stays within three phone screens. */
const ORDERS_PER_PAGE = 5;

/** The member's orders, newest first, a page at a time. */
export function OrderList({ name, email }: { name: string; email: string }) {
  const { t } = useTranslation();
  const pages = useCursorPages();
  const { data, previousData, loading, error } = useQuery(AccountOrders, {
    variables: { first: ORDERS_PER_PAGE, after: pages.after },
    fetchPolicy: 'cache-and-network',
  });
  const orders = (data ?? previousData)?.me?.orders;
  return (
    <section aria-labelledby="account-orders">
      <h2 id="account-orders">{t('account.orders')}</h2>
      {error ? <Message kind="error">{t('failed', { message: error.message })}</Message> : null}
      {!orders && !error ? <Message>{t('loading')}</Message> : null}
      {orders ? (
        <>
          <p className="muted">{orders.totalCount ? t('account.ordersCount', { count: orders.totalCount }) : t('account.noOrders')}</p>
          {orders.edges.map(({ node }) => (
            <OrderCard key={node.id} order={node} buyer={{ name, email }} />
          ))}
          <Pager
            label={t('account.ordersPaging')}
            page={pages.page}
            hasNext={orders.pageInfo.hasNextPage}
            busy={loading}
            onPrevious={pages.previous}
            onNext={() => pages.next(orders.pageInfo.endCursor)}
          />
        </>
      ) : null}
    </section>
  );
}
