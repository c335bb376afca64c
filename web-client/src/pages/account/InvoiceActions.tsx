import { useApolloClient, useMutation } from '@apollo/client/react';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Field, formValue, Message, userErrorText } from '../../components/forms.tsx';
import { formatDateTime } from '../../format.ts';
import type { AccountOrder } from './OrderCard.tsx';
import { AccountInvoicePdf, AccountRequestInvoice } from './operations.ts';

/** The statuses whose orders may be invoiced (requestInvoice refuses the others). */
const INVOICEABLE = new Set(['PAID', 'SHIPPED', 'COMPLETED']);

/** An order's invoices and credit notes (each issued one downloadable as PDF), and the form to request one. */
export function InvoiceActions({ order, buyer }: { order: AccountOrder; buyer: { name: string; email: string } }) {
  const { t } = useTranslation();
  const [requestInvoice, requesting] = useMutation(AccountRequestInvoice, { refetchQueries: ['AccountOrders'] });
  const [problem, setProblem] = useState<string | null>(null);
  const open = order.invoices.some(
    (invoice) => invoice.kind === 'INVOICE' && (invoice.status === 'REQUESTED' || invoice.status === 'ISSUED'),
  );

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setProblem(null);
    const form = event.currentTarget;
    const taxId = formValue(form, 'taxId') || null;
    const input = { orderId: order.id, buyer: { name: formValue(form, 'name'), email: formValue(form, 'email'), taxId } };
    try {
      const { data } = await requestInvoice({ variables: { input } });
      const refused = userErrorText(data?.requestInvoice.userErrors);
      if (refused || !data?.requestInvoice.invoice) throw new Error(refused ?? t('failed', { message: 'requestInvoice' }));
    } catch (error) {
      setProblem((error as Error).message);
    }
  }

  return (
    <>
      {order.invoices.length ? (
        <ul>
          {order.invoices.map((invoice) => (
            <li key={invoice.id}>
              <InvoiceLine invoice={invoice} />
            </li>
          ))}
        </ul>
      ) : null}
      {INVOICEABLE.has(order.status) && !open ? (
        <details>
          <summary>{t('account.requestInvoice')}</summary>
          <form aria-label={t('account.requestInvoice')} onSubmit={submit}>
            <Field label={t('account.invoiceName')} name="name" defaultValue={buyer.name} maxLength={200} required />
            <Field label={t('account.invoiceEmail')} name="email" type="email" defaultValue={buyer.email} required />
            <Field label={t('account.taxId')} name="taxId" maxLength={20} />
            <button type="submit" disabled={requesting.loading}>
              {t('account.sendInvoice')}
            </button>
          </form>
        </details>
      ) : null}
      {problem ? <Message kind="error">{problem}</Message> : null}
    </>
  );
}

type AccountInvoice = AccountOrder['invoices'][number];

function InvoiceLine({ invoice }: { invoice: AccountInvoice }) {
  const { t } = useTranslation();
  const number = invoice.number ?? '';
  if (invoice.status === 'REQUESTED') return <>{t('account.invoiceRequested', { time: formatDateTime(invoice.requestedAt) })}</>;
  if (invoice.status === 'REJECTED') return <>{t('account.invoiceRejected', { reason: invoice.rejectionReason ?? '' })}</>;
  const text =
    invoice.status === 'VOIDED'
      ? t('account.invoiceVoided', { number })
      : t(invoice.kind === 'CREDIT_NOTE' ? 'account.creditNoteIssued' : 'account.invoiceIssued', {
          number,
          time: formatDateTime(invoice.issuedAt),
        });
  return (
    <>
      {text} <DownloadPdf invoiceId={invoice.id} number={number} />
    </>
  );
}

/**
 * The PDF's link is signed for a few minutes and given only to the buyer, so it is asked for (with the member's
 * token) at the moment of the download, never kept in the page.
 */
function DownloadPdf({ invoiceId, number }: { invoiceId: string; number: string }) {
  const { t } = useTranslation();
  const client = useApolloClient();
  const [problem, setProblem] = useState<string | null>(null);

  async function download() {
    setProblem(null);
    try {
      const { data } = await client.query({ query: AccountInvoicePdf, variables: { id: invoiceId }, fetchPolicy: 'network-only' });
      const url = data?.invoice?.pdfUrl;
      if (!url) throw new Error(t('failed', { message: 'pdfUrl' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = `${number}.pdf`;
      link.click();
    } catch (error) {
      setProblem((error as Error).message);
    }
  }

  return (
    <>
      <button type="button" className="link" onClick={download}>
        {t('account.download', { number })}
      </button>
      {problem ? <Message kind="error">{problem}</Message> : null}
    </>
  );
}
