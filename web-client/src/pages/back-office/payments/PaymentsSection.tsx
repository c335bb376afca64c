import { useTranslation } from 'react-i18next';
import { CallbackReviews } from './CallbackReviews.tsx';
import { PaymentLookup } from './PaymentLookup.tsx';
import { Reconciliation } from './Reconciliation.tsx';

/** #/back-office/payments: finding payments, the refused provider callbacks, and reconciling statements. */
export function PaymentsSection() {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="bo-payments-title">
      <h1 id="bo-payments-title">{t('boPayments.title')}</h1>
      <PaymentLookup />
      <Reconciliation />
      <CallbackReviews />
    </section>
  );
}
