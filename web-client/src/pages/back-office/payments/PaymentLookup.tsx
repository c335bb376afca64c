import { useLazyQuery } from '@apollo/client/react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Field, formValue, Message } from '../../../components/forms.tsx';
import { formatMoney } from '../../../format.ts';
import type { FinancePaymentFieldsFragment } from '../../../gql/graphql.ts';
import { FinancePaymentLookup } from './operations.ts';

/** A payment by its id, or every payment of an order by the order's id. */
export function PaymentLookup() {
  const { t } = useTranslation();
  const [lookUp, { data, loading, error, called }] = useLazyQuery(FinancePaymentLookup, { fetchPolicy: 'network-only' });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const id = formValue(event.currentTarget, 'id');
    if (id) void lookUp({ variables: { id } });
  }

  const payments: FinancePaymentFieldsFragment[] = data?.payment ? [data.payment] : (data?.order?.payments ?? []);
  const orderNumber = data?.payment?.order?.number ?? data?.order?.number;
  return (
    <section aria-labelledby="bo-payments-lookup" className="panel">
      <h2 id="bo-payments-lookup">{t('boPayments.lookup')}</h2>
      <form className="search" aria-label={t('boPayments.lookup')} onSubmit={submit}>
        <Field label={t('boPayments.lookupId')} name="id" required maxLength={100} />
        <button type="submit" disabled={loading}>
          {t('boPayments.find')}
        </button>
      </form>
      {error ? <Message kind="error">{t('failed', { message: error.message })}</Message> : null}
      {called && data && !payments.length ? <p>{t('boPayments.notFound')}</p> : null}
      {payments.length ? (
        <table>
          <caption>{orderNumber ? t('boPayments.ofOrder', { number: orderNumber }) : t('boPayments.lookup')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('boPayments.channel')}</th>
              <th scope="col">{t('boPayments.status')}</th>
              <th scope="col">{t('boPayments.outTradeNo')}</th>
              <th scope="col">{t('boPayments.providerReference')}</th>
              <th scope="col">{t('boPayments.paidAt')}</th>
              <th scope="col" className="number">
                {t('boPayments.amount')}
              </th>
              <th scope="col" className="number">
                {t('boPayments.refunded')}
              </th>
            </tr>
          </thead>
          <tbody>
            {payments.map((payment) => (
              <tr key={payment.id} data-payment-id={payment.id}>
                <td>{t(`boOrders.paymentChannel.${payment.channel}`)}</td>
                <td>{t(`boOrders.paymentStatus.${payment.status}`)}</td>
                <td>{payment.transferReference ? `${payment.outTradeNo} / ${payment.transferReference}` : payment.outTradeNo}</td>
                <td>{payment.providerReference ?? '—'}</td>
                <td>{payment.paidAt ? new Date(payment.paidAt).toLocaleString() : '—'}</td>
                <td className="number">{formatMoney(payment.amount)}</td>
                <td className="number">{formatMoney(payment.refundedAmount)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
