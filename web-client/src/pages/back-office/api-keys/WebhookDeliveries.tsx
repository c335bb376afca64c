import type { ApolloClient } from '@apollo/client';
import { useMutation, useQuery } from '@apollo/client/react';
import { useTranslation } from 'react-i18next';
import { Message } from '../../../components/forms.tsx';
import { OutcomeMessage, useOutcome } from '../orders/outcome.tsx';
import { Pager, useCursorPaging } from '../orders/Paging.tsx';
import { BackOfficeRedeliverWebhook, BackOfficeWebhookDeliveries } from './operations.ts';

const DELIVERIES_PER_PAGE = 10;

/** A webhook's deliveries, newest first, paged; any of them can be sent again. */
export function WebhookDeliveries({ webhookId, client }: { webhookId: string; client: ApolloClient }) {
  const { t } = useTranslation();
  const paging = useCursorPaging();
  const { data, error, refetch } = useQuery(BackOfficeWebhookDeliveries, {
    client,
    variables: { webhookId, first: DELIVERIES_PER_PAGE, after: paging.after },
    fetchPolicy: 'network-only',
  });
  const { outcome, busy, run } = useOutcome();
  const [redeliver] = useMutation(BackOfficeRedeliverWebhook, { client });
  const deliveries = data?.webhookDeliveries;
  if (error) return <Message kind="error">{t('failed', { message: error.message })}</Message>;
  if (!deliveries) return null;
  return (
    <div>
      <OutcomeMessage outcome={outcome} />
      {deliveries.edges.length ? (
        <ul>
          {deliveries.edges.map(({ node }) => {
            const last = node.attempts[node.attempts.length - 1];
            return (
              <li key={node.id}>
                {new Date(node.createdAt).toLocaleString()}: {t(`boKeys.deliveryStatus.${node.status}`, { defaultValue: node.status })}
                {last ? ` (${last.responseCode ?? last.error ?? ''})` : ''}{' '}
                <button
                  type="button"
                  className="link"
                  disabled={busy}
                  onClick={async () => {
                    if (
                      await run(
                        async () => (await redeliver({ variables: { deliveryId: node.id } })).data?.redeliverWebhook.userErrors,
                        t('boKeys.redelivered'),
                      )
                    )
                      await refetch();
                  }}
                >
                  {t('boKeys.redeliver')}
                </button>
              </li>
            );
          })}
        </ul>
      ) : (
        <p>{t('boKeys.noDeliveries')}</p>
      )}
      <Pager
        label={t('boKeys.deliveryPaging')}
        page={paging.page}
        hasNext={deliveries.pageInfo.hasNextPage}
        onPrevious={paging.previous}
        onNext={() => paging.next(deliveries.pageInfo.endCursor)}
      />
    </div>
  );
}
