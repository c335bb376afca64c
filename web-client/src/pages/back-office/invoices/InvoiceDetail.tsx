import { useMutation, useQuery } from '@apollo/client/react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { Field, formValue, Message } from '../../../components/forms.tsx';
import { formatMoney } from '../../../format.ts';
import type { InvoiceDetailsFragment } from '../../../gql/graphql.ts';
import { OutcomeMessage, useOutcome } from '../orders/outcome.tsx';
import { BackOfficeInvoice, IssueInvoice, RejectInvoice, VoidInvoice } from './operations.ts';

/** #/back-office/invoices/:invoiceId: one request, invoice or credit note, and what finance may do with it. */
export function InvoiceDetail() {
  const { t } = useTranslation();
  const { invoiceId = '' } = useParams();
  const { data, loading, error } = useQuery(BackOfficeInvoice, { variables: { id: invoiceId }, fetchPolicy: 'cache-and-network' });
  const invoice = data?.invoice;
  return (
    <section aria-labelledby="bo-invoice-title">
      <p>
        <Link to="..">{t('boInvoices.back')}</Link>
      </p>
      {error ? <Message kind="error">{t('failed', { message: error.message })}</Message> : null}
      {!data && loading ? <p>{t('loading')}</p> : null}
      {data && !invoice ? <p>{t('boInvoices.notFound')}</p> : null}
      {invoice ? (
        <>
          <h1 id="bo-invoice-title">{titleOf(invoice, t)}</h1>
          <InvoiceFacts invoice={invoice} />
          <InvoiceActions invoice={invoice} />
          <CreditNotes invoice={invoice} />
        </>
      ) : null}
    </section>
  );
}

type Translate = ReturnType<typeof useTranslation>['t'];

function titleOf(invoice: Pick<InvoiceDetailsFragment, 'kind' | 'number' | 'order'>, t: Translate): string {
  if (!invoice.number) return t('boInvoices.request', { order: invoice.order.number });
  return t(invoice.kind === 'CREDIT_NOTE' ? 'boInvoices.creditNoteTitle' : 'boInvoices.invoiceTitle', { number: invoice.number });
}

function InvoiceFacts({ invoice }: { invoice: InvoiceDetailsFragment }) {
  const { t } = useTranslation();
  return (
    <dl className="figures">
      <dt>{t('boInvoices.status')}</dt>
      <dd data-testid="bo-invoice-status">{t(`boInvoices.statusName.${invoice.status}`)}</dd>
      <dt>{t('boInvoices.order')}</dt>
      <dd>{`${invoice.order.number} (${formatMoney(invoice.order.total)})`}</dd>
      <dt>{t('boInvoices.buyer')}</dt>
      <dd>
        {`${invoice.buyer.name} · ${t(`boInvoices.buyerType.${invoice.buyer.type}`)}`}
        {invoice.buyer.taxId ? ` · ${invoice.buyer.taxId}` : ''}
        {` · ${invoice.buyer.email}`}
      </dd>
      <dt>{t('boInvoices.requested')}</dt>
      <dd>{new Date(invoice.requestedAt).toLocaleString()}</dd>
      {invoice.issuedAt ? (
        <>
          <dt>{t('boInvoices.issued')}</dt>
          <dd>{new Date(invoice.issuedAt).toLocaleString()}</dd>
          <dt>{t('boInvoices.amounts')}</dt>
          <dd>
            {t('boInvoices.amountsText', {
              subtotal: formatMoney(invoice.subtotal),
              tax: formatMoney(invoice.taxTotal),
              total: formatMoney(invoice.total),
            })}
          </dd>
        </>
      ) : null}
      {invoice.rejectionReason ? (
        <>
          <dt>{t('boInvoices.rejectionReason')}</dt>
          <dd>{invoice.rejectionReason}</dd>
        </>
      ) : null}
      {invoice.reason ? (
        <>
          <dt>{t('boInvoices.creditReason')}</dt>
          <dd>{invoice.reason}</dd>
        </>
      ) : null}
      {invoice.creditedInvoice ? (
        <>
          <dt>{t('boInvoices.credits')}</dt>
          <dd>
            <Link to={`../${invoice.creditedInvoice.id}`}>{invoice.creditedInvoice.number}</Link>
          </dd>
        </>
      ) : null}
      {invoice.pdfUrl ? (
        <>
          <dt>{t('boInvoices.pdf')}</dt>
          <dd>
            <PdfLink url={invoice.pdfUrl} number={invoice.number ?? ''} />
          </dd>
        </>
      ) : null}
    </dl>
  );
}

/**
 * The signed link opens the PDF in the browser's own viewer in a new tab. The client's CSP (default-src 'none', no
 * frame-src or object-src) forbids embedding it in the page, and the link needs no bearer token: its signature is the
 * permission (subgraphs/invoices/pdf-links.ts), valid for 15 minutes from when the page read it.
 */
function PdfLink({ url, number }: { url: string; number: string }) {
  const { t } = useTranslation();
  return (
    <a href={url} target="_blank" rel="noreferrer" data-testid="bo-invoice-pdf">
      {t('boInvoices.openPdf', { number })}
    </a>
  );
}

function InvoiceActions({ invoice }: { invoice: InvoiceDetailsFragment }) {
  const { t } = useTranslation();
  const { outcome, busy, run } = useOutcome();
  const [issue] = useMutation(IssueInvoice);
  const [reject] = useMutation(RejectInvoice);
  const [voidIt] = useMutation(VoidInvoice);
  const invoiceId = invoice.id;

  function submitReject(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const reason = formValue(event.currentTarget, 'reason');
    void run(
      async () => (await reject({ variables: { input: { invoiceId, reason } } })).data?.rejectInvoice.userErrors,
      t('boInvoices.rejected'),
    );
  }

  function submitVoid(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const reason = formValue(event.currentTarget, 'reason');
    void run(
      async () => (await voidIt({ variables: { input: { invoiceId, reason } } })).data?.voidInvoice.userErrors,
      t('boInvoices.voided'),
    );
  }

  const requested = invoice.status === 'REQUESTED';
  const voidable = invoice.status === 'ISSUED' && invoice.kind === 'INVOICE';
  if (!requested && !voidable && !outcome) return null;
  return (
    <section aria-labelledby="bo-invoice-actions" className="panel">
      <h2 id="bo-invoice-actions">{t('boInvoices.actions')}</h2>
      <OutcomeMessage outcome={outcome} />
      <div className="columns">
        {requested ? (
          <p>
            <button
              type="button"
              disabled={busy}
              onClick={() =>
                run(
                  async () => (await issue({ variables: { input: { invoiceId } } })).data?.issueInvoice.userErrors,
                  t('boInvoices.issuedDone'),
                )
              }
            >
              {t('boInvoices.issue')}
            </button>
          </p>
        ) : null}
        {requested ? (
          <form aria-label={t('boInvoices.rejectForm')} onSubmit={submitReject}>
            <Field label={t('boInvoices.reason')} name="reason" required maxLength={500} />
            <button type="submit" disabled={busy}>
              {t('boInvoices.reject')}
            </button>
          </form>
        ) : null}
        {voidable ? (
          <form aria-label={t('boInvoices.voidForm')} onSubmit={submitVoid}>
            <Field label={t('boInvoices.reason')} name="reason" required maxLength={500} />
            <button type="submit" disabled={busy}>
              {t('boInvoices.void')}
            </button>
          </form>
        ) : null}
      </div>
    </section>
  );
}

function CreditNotes({ invoice }: { invoice: InvoiceDetailsFragment }) {
  const { t } = useTranslation();
  if (!invoice.creditNotes.length) return null;
  return (
    <section aria-labelledby="bo-invoice-credit-notes">
      <h2 id="bo-invoice-credit-notes">{t('boInvoices.creditNotes')}</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('boInvoices.document')}</th>
            <th scope="col">{t('boInvoices.issued')}</th>
            <th scope="col">{t('boInvoices.creditReason')}</th>
            <th scope="col" className="number">
              {t('boInvoices.total')}
            </th>
            <th scope="col">{t('boInvoices.pdf')}</th>
          </tr>
        </thead>
        <tbody>
          {invoice.creditNotes.map((note) => (
            <tr key={note.id} data-credit-note-id={note.id}>
              <td>
                <Link to={`../${note.id}`}>{note.number}</Link>
              </td>
              <td>{note.issuedAt ? new Date(note.issuedAt).toLocaleString() : ''}</td>
              <td>{note.reason}</td>
              <td className="number">{formatMoney(note.total)}</td>
              <td>{note.pdfUrl ? <PdfLink url={note.pdfUrl} number={note.number ?? ''} /> : null}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
