import { useMutation, useQuery } from '@apollo/client/react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Message, userErrorText } from '../../components/forms.tsx';
import { usePollWhilePending } from '../../components/order-polling.ts';
import { PaymentQr } from '../../components/PaymentQr.tsx';
import { formatMoney } from '../../format.ts';
import { CashTender } from './CashTender.tsx';
import type { CashTaken } from './cash.ts';
import { RegisterCreatePayment, RegisterOrder } from './operations.ts';
import { Receipt } from './Receipt.tsx';
import { finishSale, setCash, useSale } from './sale.ts';

/** The placed sale: take cash (counting the change) or a QR payment, then the receipt, printable, and the next sale. */
export function SaleOrder({ orderId }: { orderId: string }) {
  const { t } = useTranslation();
  const sale = useSale();
  const { data, error, startPolling, stopPolling } = useQuery(RegisterOrder, { variables: { id: orderId } });
  const [createPayment, paying] = useMutation(RegisterCreatePayment);
  const [qrUrl, setQrUrl] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const order = data?.order;
  const status = order?.status;

  // Cash settles at once; a QR payment when the customer scans.
  usePollWhilePending(status, startPolling, stopPolling);

  async function pay(channel: 'CASH' | 'WECHAT_PAY', cash: CashTaken | null = null) {
    setProblem(null);
    // Kept before asking, so the receipt has it even when the answer is lost and the order is found paid.
    setCash(cash);
    try {
      // One key per order and channel: a retried tap returns the same payment.
      const input = { orderId, channel, idempotencyKey: `${channel.toLowerCase()}-${orderId}` };
      const { data: paid } = await createPayment({ variables: { input } });
      const refused = userErrorText(paid?.createPayment.userErrors);
      if (refused || !paid?.createPayment.payment) throw new Error(refused ?? t('failed', { message: 'createPayment' }));
      if (paid.createPayment.payment.qrCodeUrl) setQrUrl(paid.createPayment.payment.qrCodeUrl);
    } catch (failure) {
      setProblem((failure as Error).message);
    }
  }

  if (error) return <Message kind="error">{t('failed', { message: error.message })}</Message>;
  if (!order) return <Message>{t('loading')}</Message>;
  const done = status !== 'PENDING_PAYMENT';
  return (
    <>
      <section className="panel register-controls" aria-labelledby="register-order">
        <h2 id="register-order">{t('register.order', { number: order.number })}</h2>
        <p role="status" data-status={order.status}>
          {t('register.orderSummary', { status: t(`register.status.${order.status}`), total: formatMoney(order.total) })}
        </p>
        {status === 'PENDING_PAYMENT' ? (
          <div className="register-pay">
            <CashTender total={order.total} busy={paying.loading} onTake={(cash) => pay('CASH', cash)} />
            <button type="button" disabled={paying.loading} onClick={() => pay('WECHAT_PAY')}>
              {t('register.payQr')}
            </button>
          </div>
        ) : null}
        {qrUrl && !done ? (
          <PaymentQr url={qrUrl} label={t('register.qrLabel', { number: order.number })}>
            {t('register.qrShown')}{' '}
            <a href={qrUrl} target="_blank" rel="noopener">
              {t('register.qrLink')}
            </a>
          </PaymentQr>
        ) : null}
        {problem ? <Message kind="error">{problem}</Message> : null}
        {done ? (
          <div className="register-pay">
            <button type="button" onClick={() => window.print()}>
              {t('register.print')}
            </button>
            <button type="button" onClick={finishSale}>
              {t('register.next')}
            </button>
          </div>
        ) : null}
      </section>
      {done ? <Receipt order={order} cash={sale.cash ?? null} /> : null}
    </>
  );
}
