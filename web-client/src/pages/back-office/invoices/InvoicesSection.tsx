import { useQuery } from '@apollo/client/react';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Route, Routes } from 'react-router';
import { formValue, Message } from '../../../components/forms.tsx';
import { ConnectionPager, useCursorPages } from '../../../components/Pager.tsx';
import { formatMoney } from '../../../format.ts';
import type { InvoiceStatus } from '../../../gql/graphql.ts';
import { InvoiceDetail } from './InvoiceDetail.tsx';
import { InvoiceQueue } from './operations.ts';

/** Invoices per page: one table row each, so a page stays well within three screens. */
export const INVOICES_PER_PAGE = 20;
// The schema's enum as a list for the filter (codegen emits it as a type only).
const STATUSES: readonly InvoiceStatus[] = ['REQUESTED', 'ISSUED', 'REJECTED', 'VOIDED'];

/** #/back-office/invoices: the queue, and each invoice's page beneath it. */
export function InvoicesSection() {
  return (
    <Routes>
      <Route index element={<InvoiceList />} />
      <Route path=":invoiceId" element={<InvoiceDetail />} />
    </Routes>
  );
}

function InvoiceList() {
  const { t } = useTranslation();
  // Requests waiting for finance are the queue; the other statuses are a filter away.
  const [status, setStatus] = useState<InvoiceStatus | ''>('REQUESTED');
  const pages = useCursorPages();
  const { data, loading, error } = useQuery(InvoiceQueue, {
    variables: { filter: status ? { status } : {}, first: INVOICES_PER_PAGE, after: pages.after },
    fetchPolicy: 'cache-and-network',
  });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setStatus(formValue(event.currentTarget, 'status') as InvoiceStatus | '');
    // Another filter is another list: its cursors do not belong to the pages read so far.
    pages.reset();
  }

  const invoices = (data?.invoices.edges ?? []).map(({ node }) => node);
  return (
    <section aria-labelledby="bo-invoices-title">
      <h1 id="bo-invoices-title">{t('boInvoices.title')}</h1>
      <p className="muted">{t('boInvoices.explain')}</p>
      <form className="search" aria-label={t('boInvoices.filters')} onSubmit={submit}>
        <div className="field">
          <label htmlFor="bo-invoices-status">{t('boInvoices.status')}</label>
          <select id="bo-invoices-status" name="status" defaultValue="REQUESTED">
            <option value="">{t('boInvoices.any')}</option>
            {STATUSES.map((value) => (
              <option key={value} value={value}>
                {t(`boInvoices.statusName.${value}`)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">{t('boInvoices.apply')}</button>
      </form>
      {error ? <Message kind="error">{t('failed', { message: error.message })}</Message> : null}
      {!data && loading ? <p>{t('loading')}</p> : null}
      {data ? (
        <>
          {invoices.length ? (
            <table>
              <caption className="visually-hidden">{t('boInvoices.title')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('boInvoices.document')}</th>
                  <th scope="col">{t('boInvoices.order')}</th>
                  <th scope="col">{t('boInvoices.buyer')}</th>
                  <th scope="col">{t('boInvoices.requested')}</th>
                  <th scope="col">{t('boInvoices.status')}</th>
                  <th scope="col" className="number">
                    {t('boInvoices.total')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {invoices.map((invoice) => (
                  <tr key={invoice.id} data-invoice-id={invoice.id}>
                    <td>
                      <Link to={invoice.id}>{invoice.number ?? t('boInvoices.request', { order: invoice.order.number })}</Link>
                    </td>
                    <td>{invoice.order.number}</td>
                    <td>{invoice.buyer.name}</td>
                    <td>{new Date(invoice.requestedAt).toLocaleString()}</td>
                    <td>{t(`boInvoices.statusName.${invoice.status}`)}</td>
                    <td className="number">{invoice.total ? formatMoney(invoice.total) : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p>{t('boInvoices.none')}</p>
          )}
          <ConnectionPager label={t('boInvoices.paging')} pages={pages} pageInfo={data.invoices.pageInfo} busy={loading} />
        </>
      ) : null}
    </section>
  );
}
