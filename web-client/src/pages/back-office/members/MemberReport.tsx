import { useQuery } from '@apollo/client/react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Message } from '../../../components/forms.tsx';
import { TableHead } from '../../../components/tables.tsx';
import { formatMoney } from '../../../format.ts';
import { BackOfficeMemberReport } from './operations.ts';

const DAY_MS = 86_400_000;
/** The report's window: the last 30 days up to tomorrow (UTC), fixed when the page opens so the query stays put. */
function lastThirtyDays() {
  const tomorrow = new Date(Math.ceil(Date.now() / DAY_MS) * DAY_MS);
  return { from: new Date(tomorrow.getTime() - 31 * DAY_MS).toISOString(), to: tomorrow.toISOString() };
}

/** The tiers with their members today, sign-ups of the last 30 days, and the points members hold. */
export function MemberReport() {
  const { t } = useTranslation();
  const [window] = useState(lastThirtyDays);
  const { data, error, loading } = useQuery(BackOfficeMemberReport, { variables: window });
  const report = data?.memberReport;
  const signUps = report?.newMembersPerDay.reduce((sum, day) => sum + day.count, 0) ?? 0;
  return (
    <section aria-labelledby="bo-members-report">
      <h2 id="bo-members-report">{t('boMembers.report')}</h2>
      {error ? <Message kind="error">{t('failed', { message: error.message })}</Message> : null}
      {!report && loading ? <p>{t('loading')}</p> : null}
      {report ? (
        <>
          <table>
            <caption>{t('boMembers.tiers')}</caption>
            <TableHead
              columns={[
                t('boMembers.tier'),
                [t('boMembers.multiplier'), 'number'],
                [t('boMembers.minimumSpend'), 'number'],
                [t('boMembers.members'), 'number'],
              ]}
            />
            <tbody>
              {report.tierDistribution.map((row) => (
                <tr key={row.tier.name}>
                  <td>{row.tier.name}</td>
                  <td className="number">{row.tier.pointsMultiplier}</td>
                  <td className="number">{formatMoney(row.tier.minimumSpend)}</td>
                  <td className="number">{row.members}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <dl className="figures">
            <div>
              <dt>{t('boMembers.signUps')}</dt>
              <dd>{signUps}</dd>
            </div>
            <div>
              <dt>{t('boMembers.pointsHeld')}</dt>
              <dd>{t('boMembers.pointsHeldValue', { points: report.pointsLiability.points, members: report.pointsLiability.members })}</dd>
            </div>
            <div>
              <dt>{t('boMembers.liability')}</dt>
              <dd>{formatMoney(report.pointsLiability.value)}</dd>
            </div>
          </dl>
        </>
      ) : null}
    </section>
  );
}
