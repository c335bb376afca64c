import { useQuery } from '@apollo/client/react';
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SelectField } from '../../../components/actions.tsx';
import { Field, formValue, Message } from '../../../components/forms.tsx';
import { ConnectionPager, useCursorPages } from '../../../components/Pager.tsx';
import { TableHead } from '../../../components/tables.tsx';
import { StockMovements, StockReconciliationReport } from './operations.ts';
import { PAGE_SIZE, SKU_PATTERN, useWarehouseOptions } from './shared.tsx';

/** A SKU's movements, paged, and the reconciliation of every level against its movements. */
export function Ledger() {
  return (
    <>
      <MovementList />
      <Reconciliation />
    </>
  );
}

function MovementList() {
  const { t } = useTranslation();
  const warehouses = useWarehouseOptions(true);
  const [wanted, setWanted] = useState<{ skuCode: string; warehouseId: string | null } | null>(null);
  const pages = useCursorPages();
  const { data, error } = useQuery(StockMovements, {
    variables: { skuCode: wanted?.skuCode ?? '', warehouseId: wanted?.warehouseId ?? null, first: PAGE_SIZE, after: pages.after },
    skip: !wanted,
    fetchPolicy: 'network-only',
  });
  const headingId = useId();
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    setWanted({ skuCode: formValue(form, 'skuCode').toUpperCase(), warehouseId: formValue(form, 'warehouseId') || null });
    pages.reset();
  }
  const connection = data?.stockMovements;
  return (
    <section aria-labelledby={headingId}>
      <h2 id={headingId}>{t('stock.ledger.movements')}</h2>
      <form className="inline" onSubmit={submit} aria-label={t('stock.ledger.find')}>
        <Field label={t('stock.sku')} name="skuCode" required pattern={SKU_PATTERN} autoComplete="off" />
        <SelectField label={t('stock.warehouse')} name="warehouseId" placeholder={t('stock.ledger.every')} options={warehouses} />
        <button type="submit">{t('stock.ledger.show')}</button>
      </form>
      {error ? <Message kind="error">{t('failed', { message: error.message })}</Message> : null}
      {wanted && connection ? (
        connection.edges.length === 0 ? (
          <Message>{t('stock.ledger.none', { sku: wanted.skuCode })}</Message>
        ) : (
          <table id="stock-movements">
            <caption>{t('stock.ledger.caption', { sku: wanted.skuCode, page: pages.page, count: connection.totalCount })}</caption>
            <TableHead
              columns={[
                t('stock.ledger.when'),
                t('stock.ledger.kind'),
                t('stock.warehouse'),
                [t('stock.ledger.onHand'), 'number'],
                [t('stock.ledger.reserved'), 'number'],
                t('stock.reference'),
                t('stock.reason'),
              ]}
            />
            <tbody>
              {connection.edges.map(({ node }) => (
                <tr key={node.id} data-kind={node.kind}>
                  <td>{new Date(node.createdAt).toLocaleString()}</td>
                  <td>{t(`stock.ledger.kinds.${node.kind}`)}</td>
                  <td>{node.warehouse.code}</td>
                  <td className="number">{signed(node.onHandDelta)}</td>
                  <td className="number">{signed(node.reservedDelta)}</td>
                  <td>{node.reference}</td>
                  <td>{node.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      ) : null}
      {wanted ? <ConnectionPager label={t('stock.ledger.movements')} pages={pages} pageInfo={connection?.pageInfo} /> : null}
    </section>
  );
}

const signed = (value: number) => (value > 0 ? `+${value}` : String(value));

function Reconciliation() {
  const { t } = useTranslation();
  const { data, error, refetch, loading } = useQuery(StockReconciliationReport, { fetchPolicy: 'network-only' });
  const headingId = useId();
  const report = data?.stockReconciliation;
  return (
    <section aria-labelledby={headingId} id="stock-reconciliation">
      <h2 id={headingId}>{t('stock.ledger.reconciliation')}</h2>
      <button type="button" disabled={loading} onClick={() => void refetch()}>
        {t('stock.ledger.check')}
      </button>
      {error ? <Message kind="error">{t('failed', { message: error.message })}</Message> : null}
      {!report ? null : report.discrepancies.length === 0 ? (
        <Message>{t('stock.ledger.balanced', { count: report.checkedLevels })}</Message>
      ) : (
        <table>
          <caption>{t('stock.ledger.discrepancies', { count: report.discrepancies.length, checked: report.checkedLevels })}</caption>
          <TableHead
            columns={[
              t('stock.sku'),
              t('stock.warehouse'),
              [t('stock.ledger.onHand'), 'number'],
              [t('stock.ledger.ledgerOnHand'), 'number'],
              [t('stock.ledger.reserved'), 'number'],
              [t('stock.ledger.ledgerReserved'), 'number'],
            ]}
          />
          <tbody>
            {report.discrepancies.slice(0, 50).map((row) => (
              <tr key={`${row.sku.code}@${row.warehouse.code}`}>
                <td>{row.sku.code}</td>
                <td>{row.warehouse.code}</td>
                <td className="number">{row.onHand}</td>
                <td className="number">{row.ledgerOnHand}</td>
                <td className="number">{row.reserved}</td>
                <td className="number">{row.ledgerReserved}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
