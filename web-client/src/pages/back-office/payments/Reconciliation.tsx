import { useMutation } from '@apollo/client/react';
import { type FormEvent, type ReactNode, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Message, userErrorText } from '../../../components/forms.tsx';
import { formatMoney } from '../../../format.ts';
import type { PaymentChannel, ReconcileStatementMutation } from '../../../gql/graphql.ts';
import { ReconcileStatement } from './operations.ts';

type Report = NonNullable<ReconcileStatementMutation['reconcileStatement']['report']>;
// Channels that send statements (cash has none).
const CHANNELS: readonly PaymentChannel[] = ['WECHAT_PAY', 'ALIPAY', 'BANK_TRANSFER'];
/** Rows shown of each difference list: the page stays within three screens; the report keeps them all. */
const ROWS_SHOWN = 10;

/** A provider's statement (CSV) read from a file and compared with our payments; the report it stored. */
export function Reconciliation() {
  const { t } = useTranslation();
  const fileId = useId();
  const channelId = useId();
  const [reconcile, { loading }] = useMutation(ReconcileStatement);
  const [report, setReport] = useState<Report | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const file = form.get('statement');
    setProblem(null);
    setReport(null);
    if (!(file instanceof File) || !file.size) {
      setProblem(t('boPayments.chooseFile'));
      return;
    }
    try {
      const statementCsv = await file.text();
      const channel = form.get('channel') as PaymentChannel;
      const answer = (await reconcile({ variables: { input: { channel, statementCsv } } })).data?.reconcileStatement;
      const errors = userErrorText(answer?.userErrors);
      if (errors) setProblem(errors);
      else setReport(answer?.report ?? null);
    } catch (error) {
      setProblem(t('failed', { message: (error as Error).message }));
    }
  }

  return (
    <section aria-labelledby="bo-payments-reconcile" className="panel">
      <h2 id="bo-payments-reconcile">{t('boPayments.reconcile')}</h2>
      <p className="muted">{t('boPayments.reconcileExplain')}</p>
      <form className="search" aria-label={t('boPayments.reconcile')} onSubmit={submit}>
        <div className="field">
          <label htmlFor={channelId}>{t('boPayments.channel')}</label>
          <select id={channelId} name="channel" defaultValue="WECHAT_PAY">
            {CHANNELS.map((channel) => (
              <option key={channel} value={channel}>
                {t(`boOrders.paymentChannel.${channel}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={fileId}>{t('boPayments.statementFile')}</label>
          <input id={fileId} name="statement" type="file" accept=".csv,text/csv" required />
        </div>
        <button type="submit" disabled={loading}>
          {t('boPayments.compare')}
        </button>
      </form>
      {problem ? <Message kind="error">{problem}</Message> : null}
      {report ? <ReportView report={report} /> : null}
    </section>
  );
}

function ReportView({ report }: { report: Report }) {
  const { t } = useTranslation();
  return (
    <div data-testid="bo-reconciliation-report">
      <Message>
        {t('boPayments.reportSummary', {
          start: new Date(report.periodStart).toLocaleDateString(),
          end: new Date(report.periodEnd).toLocaleDateString(),
        })}
      </Message>
      <dl className="figures">
        <dt>{t('boPayments.matched')}</dt>
        <dd data-testid="bo-reconciliation-matched">{report.matched}</dd>
        <dt>{t('boPayments.settled')}</dt>
        <dd data-testid="bo-reconciliation-settled">{report.settledPayments.length}</dd>
        <dt>{t('boPayments.missingInStatement')}</dt>
        <dd>{report.missingInStatement.length}</dd>
        <dt>{t('boPayments.missingInLedger')}</dt>
        <dd>{report.missingInLedger.length}</dd>
        <dt>{t('boPayments.mismatches')}</dt>
        <dd>{report.amountMismatches.length}</dd>
        <dt>{t('boPayments.ignored')}</dt>
        <dd>{report.ignoredRows}</dd>
      </dl>
      <Differences title={t('boPayments.missingInStatement')} count={report.missingInStatement.length}>
        {report.missingInStatement.slice(0, ROWS_SHOWN).map((row) => (
          <li key={row.paymentId}>{`${row.outTradeNo} · ${formatMoney(row.amount)}`}</li>
        ))}
      </Differences>
      <Differences title={t('boPayments.missingInLedger')} count={report.missingInLedger.length}>
        {report.missingInLedger.slice(0, ROWS_SHOWN).map((row) => (
          <li key={row.providerReference}>
            {`${row.providerReference}${row.outTradeNo ? ` (${row.outTradeNo})` : ''} · ${formatMoney(row.amount)} · ${row.note}`}
          </li>
        ))}
      </Differences>
      <Differences title={t('boPayments.mismatches')} count={report.amountMismatches.length}>
        {report.amountMismatches.slice(0, ROWS_SHOWN).map((row) => (
          <li key={row.paymentId}>
            {t('boPayments.mismatch', { reference: row.providerReference, ours: formatMoney(row.ours), theirs: formatMoney(row.theirs) })}
          </li>
        ))}
      </Differences>
    </div>
  );
}

function Differences({ title, count, children }: { title: string; count: number; children: ReactNode }) {
  const { t } = useTranslation();
  if (!count) return null;
  return (
    <>
      <h3>{title}</h3>
      <ul>{children}</ul>
      {count > ROWS_SHOWN ? <p className="muted">{t('boPayments.more', { count: count - ROWS_SHOWN })}</p> : null}
    </>
  );
}
