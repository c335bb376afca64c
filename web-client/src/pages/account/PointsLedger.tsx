import { useQuery } from '@apollo/client/react';
import { useTranslation } from 'react-i18next';
import { Message } from '../../components/forms.tsx';
import { Pager, useCursorPages } from '../../components/Pager.tsx';
import { TableHead } from '../../components/tables.tsx';
import { formatDate } from '../../format.ts';
import { AccountPoints } from './operations.ts';

const ENTRIES_PER_PAGE = 10;
const REASONS = new Set(['EARNED', 'REDEEMED', 'RESTORED', 'REVERSED', 'EXPIRED']);

/** Every change of the member's points, newest first, a page at a time. */
export function PointsLedger({ balance }: { balance: number }) {
  const { t } = useTranslation();
  const pages = useCursorPages();
  const { data, previousData, loading, error } = useQuery(AccountPoints, {
    variables: { first: ENTRIES_PER_PAGE, after: pages.after },
    fetchPolicy: 'cache-and-network',
  });
  const ledger = (data ?? previousData)?.me?.pointsLedger;
  return (
    <section aria-labelledby="account-points">
      <h2 id="account-points">{t('account.points')}</h2>
      {error ? <Message kind="error">{t('failed', { message: error.message })}</Message> : null}
      {!ledger && !error ? <Message>{t('loading')}</Message> : null}
      {ledger?.totalCount === 0 ? <p>{t('account.noPoints')}</p> : null}
      {ledger?.totalCount ? (
        <>
          <p className="muted">{t('account.pointsCount', { points: balance, count: ledger.totalCount })}</p>
          <table id="points-ledger">
            <caption>{t('account.pointsCaption', { page: pages.page })}</caption>
            <TableHead columns={[t('account.when'), [t('account.change'), 'number'], t('account.reason'), t('account.expires')]} />
            <tbody>
              {ledger.edges.map(({ node }) => (
                <tr key={node.id}>
                  <td>{formatDate(node.createdAt)}</td>
                  <td className="number">{node.delta > 0 ? `+${node.delta}` : node.delta}</td>
                  {/* A reason the client does not know yet is shown as the API says it rather than as a missing key. */}
                  <td>{REASONS.has(node.reason) ? t(`account.reasons.${node.reason}`) : node.reason}</td>
                  <td>{formatDate(node.expiresAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager
            label={t('account.pointsPaging')}
            page={pages.page}
            hasNext={ledger.pageInfo.hasNextPage}
            busy={loading}
            onPrevious={pages.previous}
            onNext={() => pages.next(ledger.pageInfo.endCursor)}
          />
        </>
      ) : null}
    </section>
  );
}
