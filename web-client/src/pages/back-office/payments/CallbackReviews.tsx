import { useQuery } from '@apollo/client/react';
import { useTranslation } from 'react-i18next';
import { Message } from '../../../components/forms.tsx';
import { ConnectionPager, useCursorPages } from '../../../components/Pager.tsx';
import { PaymentCallbackReviews } from './operations.ts';

/** Reviews per page: each is one line until opened, so a page stays within three screens. */
const REVIEWS_PER_PAGE = 10;

/**
 * Provider callbacks the payments service refused (bad signature, stale, unknown order, other amount): why, and the
 * raw request behind a disclosure, which is what finance needs to take it up with the provider.
 */
export function CallbackReviews() {
  const { t } = useTranslation();
  const pages = useCursorPages();
  const { data, loading, error } = useQuery(PaymentCallbackReviews, {
    variables: { first: REVIEWS_PER_PAGE, after: pages.after },
    fetchPolicy: 'cache-and-network',
  });
  const reviews = data?.paymentCallbackReviews;
  return (
    <section aria-labelledby="bo-payments-reviews" className="panel">
      <h2 id="bo-payments-reviews">{t('boPayments.reviews')}</h2>
      {error ? <Message kind="error">{t('failed', { message: error.message })}</Message> : null}
      {!reviews && loading ? <p>{t('loading')}</p> : null}
      {reviews ? (
        <>
          <p className="muted">{t('boPayments.reviewCount', { count: reviews.totalCount })}</p>
          <ul className="feed">
            {reviews.edges.map(({ node }) => (
              <li key={node.id} data-review-id={node.id}>
                <details>
                  <summary>{`${new Date(node.receivedAt).toLocaleString()} · ${node.provider} · ${node.reason}`}</summary>
                  <h3>{t('boPayments.headers')}</h3>
                  <pre>{node.headers}</pre>
                  <h3>{t('boPayments.body')}</h3>
                  <pre>{node.body}</pre>
                </details>
              </li>
            ))}
          </ul>
          <ConnectionPager label={t('boPayments.reviewPaging')} pages={pages} pageInfo={reviews.pageInfo} busy={loading} />
        </>
      ) : null}
    </section>
  );
}
