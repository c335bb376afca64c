import { useMutation } from '@apollo/client/react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Field, formValue } from '../../../components/forms.tsx';
import { formatMoney, fromHundredths, toHundredths } from '../../../format.ts';
import type { BackOfficeOrderQuery } from '../../../gql/graphql.ts';
import { BackOfficeRefundPayment } from './operations.ts';
import { OutcomeMessage, useOutcome } from './outcome.tsx';

type Payment = NonNullable<BackOfficeOrderQuery['order']>['payments'][number];

/** The order's payments and their refunds; with payments:write, a paid payment can be refunded in part or whole. */
export function Payments({
  payments,
  mayRefund,
  onChanged,
}: {
  payments: readonly Payment[];
  mayRefund: boolean;
  onChanged: () => Promise<void>;
}) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="bo-order-payments">
      <h2 id="bo-order-payments">{t('boOrders.payments')}</h2>
      {payments.length ? null : <p>{t('boOrders.noPayments')}</p>}
      {payments.map((payment) => (
        <div key={payment.id} className="panel">
          <p>
            {t('boOrders.paymentSummary', {
              channel: t(`boOrders.paymentChannel.${payment.channel}`),
              status: t(`boOrders.paymentStatus.${payment.status}`),
              amount: formatMoney(payment.amount),
              refunded: formatMoney(payment.refundedAmount),
            })}
          </p>
          {payment.refunds.length ? (
            <ul>
              {payment.refunds.map((refund) => (
                <li key={refund.id}>
                  {t('boOrders.refundLine', {
                    amount: formatMoney(refund.amount),
                    status: t(`boOrders.refundStatus.${refund.status}`),
                    reason: refund.reason,
                  })}
                </li>
              ))}
            </ul>
          ) : null}
          {mayRefund && (payment.status === 'SUCCEEDED' || payment.status === 'PARTIALLY_REFUNDED') ? (
            <RefundForm payment={payment} onChanged={onChanged} />
          ) : null}
        </div>
      ))}
    </section>
  );
}

function RefundForm({ payment, onChanged }: { payment: Payment; onChanged: () => Promise<void> }) {
  const { t } = useTranslation();
  const { outcome, busy, run } = useOutcome();
  const [refund] = useMutation(BackOfficeRefundPayment);
  const left = (toHundredths(payment.amount.amount) ?? 0n) - (toHundredths(payment.refundedAmount.amount) ?? 0n);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const hundredths = toHundredths(formValue(form, 'amount'));
    if (hundredths === null || hundredths <= 0n) {
      await run(async () => [{ message: t('boOrders.refundAmountInvalid') }], '');
      return;
    }
    const input = {
      paymentId: payment.id,
      amount: { amount: fromHundredths(hundredths), currencyCode: payment.amount.currencyCode },
      reason: formValue(form, 'reason'),
      // One key per submission: a retry of this very request is never refunded twice.
      idempotencyKey: crypto.randomUUID(),
    };
    const done = t('boOrders.refundRequested', { amount: formatMoney(input.amount) });
    if (!(await run(async () => (await refund({ variables: { input } })).data?.refundPayment.userErrors, done))) return;
    // The form offers what is left to refund next, and asks for a new reason.
    (form.elements.namedItem('amount') as HTMLInputElement).value = fromHundredths(left - hundredths);
    (form.elements.namedItem('reason') as HTMLInputElement).value = '';
    await onChanged();
  }

  return (
    <form aria-label={t('boOrders.refundForm')} onSubmit={submit}>
      <OutcomeMessage outcome={outcome} />
      <Field
        label={t('boOrders.refundAmount', { currency: payment.amount.currencyCode })}
        name="amount"
        defaultValue={fromHundredths(left)}
        inputMode="decimal"
        required
      />
      <Field label={t('boOrders.reason')} name="reason" required maxLength={500} />
      <button type="submit" disabled={busy}>
        {t('boOrders.refund')}
      </button>
    </form>
  );
}
