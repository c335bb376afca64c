import { useQuery } from '@apollo/client/react';
import { useTranslation } from 'react-i18next';
import { formatMoney } from '../../format.ts';
import { useDateRange } from './DateRange.tsx';
import { ReportsMembers } from './operations.ts';
import { ReportView } from './ReportView.tsx';

const COLUMNS = [{ label: 'tier' }, { label: 'members', numeric: true }];

/** Members in each tier now, and the points liability: what members' unspent points are worth. */
export function MembersReport() {
  const { t } = useTranslation();
  const range = useDateRange();
  const query = useQuery(ReportsMembers, { variables: range.period!, skip: !range.period });
  const report = query.data?.memberReport;
  const tiers = report?.tierDistribution ?? [];
  const liability = report?.pointsLiability;
  const summary = liability ? (
    <dl className="figures">
      <div>
        <dt>{t('reports.newMembers')}</dt>
        <dd data-figure="new-members">{report!.newMembersPerDay.reduce((sum, day) => sum + day.count, 0)}</dd>
      </div>
      <div>
        <dt>{t('reports.liabilityValue')}</dt>
        <dd data-figure="liability-value">{formatMoney(liability.value)}</dd>
      </div>
      <div>
        <dt>{t('reports.liabilityPoints')}</dt>
        <dd data-figure="liability-points">{liability.points}</dd>
      </div>
      <div>
        <dt>{t('reports.liabilityMembers')}</dt>
        <dd data-figure="liability-members">{liability.members}</dd>
      </div>
    </dl>
  ) : null;
  return (
    <ReportView
      id="members"
      title={t('reports.members')}
      controls={range.controls}
      summary={summary}
      chartTitle={t('reports.tierChart')}
      labels={tiers.map((row) => row.tier.name)}
      series={[{ label: t('reports.column.members'), values: tiers.map((row) => row.members) }]}
      columns={COLUMNS}
      rows={tiers.map((row) => [row.tier.name, String(row.members)])}
      loading={query.loading}
      error={query.error ? t('reports.failed') : undefined}
    />
  );
}
