import { useQuery, useSubscription } from '@apollo/client/react';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Message } from '../../components/forms.tsx';
import type { DashboardStockChangedSubscription } from '../../gql/graphql.ts';
import { currentUser, onSessionChange } from '../../session.ts';
import { Headline } from './Headline.tsx';
import { DashboardHeadline, DashboardStockChanged } from './operations.ts';
import { StockFeed } from './StockFeed.tsx';
import { StockFilter, StockLevelsTable } from './StockLevelsTable.tsx';
import { useStockPage } from './use-stock-page.ts';
import { WarehouseCharts } from './WarehouseCharts.tsx';

export type StockChange = DashboardStockChangedSubscription['stockChanged'];

/** Movements kept in the feed: the page stays within three screens however busy the warehouses are. */
const FEED_LENGTH = 8;
/** Headline figures are read again this long after the last change, so a burst of changes costs one read. */
const HEADLINE_REFRESH_MS = 1_000;

/** Whether the signed-in user holds a scope; re-read when the session changes. */
export function useScope(scope: string): boolean {
  const [held, setHeld] = useState(() => currentUser()?.scopes.includes(scope) ?? false);
  useEffect(() => onSessionChange(() => setHeld(currentUser()?.scopes.includes(scope) ?? false)), [scope]);
  return held;
}

/** Live stock for staff (stock:read): headline figures, a chart per warehouse, the movements as they happen and a paged table. */
export function StockDashboardPage() {
  const { t } = useTranslation();
  const allowed = useScope('stock:read');
  return (
    <section>
      <h1>{t('stockDashboard.title')}</h1>
      {allowed ? (
        <StockDashboard />
      ) : (
        <>
          <Message kind="error">{t('stockDashboard.staffOnly')}</Message>
          <Link to="/login">{t('stockDashboard.signIn')}</Link>
        </>
      )}
    </section>
  );
}

function StockDashboard() {
  const { t } = useTranslation();
  const headline = useQuery(DashboardHeadline);
  const [feed, setFeed] = useState<StockChange[]>([]);
  const [latest, setLatest] = useState<StockChange | null>(null);
  const refreshTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const { refetch } = headline;

  const onChange = useCallback(
    (change: StockChange) => {
      setFeed((entries) => [change, ...entries].slice(0, FEED_LENGTH));
      setLatest(change);
      clearTimeout(refreshTimer.current);
      refreshTimer.current = setTimeout(() => void refetch().catch(() => undefined), HEADLINE_REFRESH_MS);
    },
    [refetch],
  );
  useEffect(() => () => clearTimeout(refreshTimer.current), []);

  const live = useSubscription(DashboardStockChanged, {
    onData: ({ data }) => {
      if (data.data) onChange(data.data.stockChanged);
    },
  });

  const page = useStockPage(latest);

  return (
    <>
      {live.error && <Message kind="error">{t('stockDashboard.stopped', { message: live.error.message })}</Message>}
      {headline.error && <Message kind="error">{t('failed', { message: headline.error.message })}</Message>}
      <StockFilter page={page} />
      <Headline data={headline.data} reservedOnPage={page.levels.reduce((sum, level) => sum + level.reserved, 0)} />
      <WarehouseCharts levels={page.levels} />
      <div className="columns wide-first">
        <StockLevelsTable page={page} />
        <StockFeed entries={feed} />
      </div>
    </>
  );
}
