import { useMutation } from '@apollo/client/react';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type BasketLine, checkoutKey, emptyBasket } from '../../basket.ts';
import { Field, formValue, Message, userErrorText } from '../../components/forms.tsx';
import { PaymentQr } from '../../components/PaymentQr.tsx';
import { formatMoney } from '../../format.ts';
import type { BasketPlaceOrderMutation } from '../../gql/graphql.ts';
import { currentUser } from '../../session.ts';
import { BasketCreatePayment, BasketPlaceOrder } from './operations.ts';

type PlacedOrder = NonNullable<BasketPlaceOrderMutation['placeOrder']['order']>;
const ADDRESS_FIELDS = ['name', 'phone', 'line1', 'city', 'postalCode', 'country'] as const;

/** PlaceOrder as a guest or a member with a shipping address, then paying by the QR code (the provider's simulator). */
export function Checkout({ lines }: { lines: readonly BasketLine[] }) {
  const { t } = useTranslation();
  const [placeOrder, placing] = useMutation(BasketPlaceOrder);
  const [problem, setProblem] = useState<string | null>(null);
  const [placed, setPlaced] = useState<PlacedOrder | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setProblem(null);
    const form = event.currentTarget;
    const shippingAddress = Object.fromEntries(ADDRESS_FIELDS.map((name) => [name, formValue(form, name)])) as Record<
      (typeof ADDRESS_FIELDS)[number],
      string
    >;
    const input = {
      idempotencyKey: checkoutKey(),
      channel: 'ONLINE' as const,
      lines: lines.map((line) => ({ skuCode: line.code, quantity: line.quantity })),
      shippingAddress,
    };
    try {
      const { data } = await placeOrder({ variables: { input } });
      const refused = userErrorText(data?.placeOrder.userErrors);
      if (refused || !data?.placeOrder.order) throw new Error(refused ?? t('failed', { message: 'placeOrder' }));
      emptyBasket();
      setPlaced(data.placeOrder.order);
    } catch (error) {
      setProblem((error as Error).message);
    }
  }

  return (
    <>
      {lines.length > 0 ? (
        <form aria-labelledby="checkout-heading" onSubmit={submit}>
          <h2 id="checkout-heading">{t('basket.checkout')}</h2>
          <p className="muted">{currentUser()?.kind === 'member' ? t('basket.asMember') : t('basket.asGuest')}</p>
          <Field label={t('basket.name')} name="name" autoComplete="name" required />
          <Field label={t('basket.phone')} name="phone" type="tel" autoComplete="tel" required />
          <Field label={t('basket.address')} name="line1" autoComplete="address-line1" required />
          <Field label={t('basket.city')} name="city" autoComplete="address-level2" required />
          <Field label={t('basket.postalCode')} name="postalCode" autoComplete="postal-code" required />
          <Field label={t('basket.country')} name="country" autoComplete="country" defaultValue="CN" maxLength={2} required />
          <button type="submit" disabled={placing.loading}>
            {t('basket.placeOrder')}
          </button>
          {problem ? <Message kind="error">{problem}</Message> : null}
        </form>
      ) : null}
      {placed ? <Placed order={placed} /> : null}
    </>
  );
}

function Placed({ order }: { order: PlacedOrder }) {
  const { t } = useTranslation();
  const [createPayment, paying] = useMutation(BasketCreatePayment);
  const [payUrl, setPayUrl] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  async function pay() {
    setProblem(null);
    try {
      const input = { orderId: order.id, channel: 'WECHAT_PAY' as const, idempotencyKey: `pay-${order.id}` };
      const { data } = await createPayment({ variables: { input } });
      const refused = userErrorText(data?.createPayment.userErrors);
      const url = data?.createPayment.payment?.qrCodeUrl;
      if (refused || !url) throw new Error(refused ?? t('failed', { message: 'createPayment' }));
      setPayUrl(url);
      window.open(url, '_blank', 'noopener');
    } catch (error) {
      setProblem((error as Error).message);
    }
  }

  return (
    <section aria-labelledby="placed-heading" className="panel" data-order-number={order.number}>
      <h2 id="placed-heading">{t('basket.placed', { number: order.number })}</h2>
      <p>{t('basket.placedSummary', { status: order.status, total: formatMoney(order.total) })}</p>
      {order.reservationExpiresAt ? (
        <p className="muted">{t('basket.payBefore', { time: new Date(order.reservationExpiresAt).toLocaleTimeString() })}</p>
      ) : null}
      {currentUser() ? (
        <button type="button" disabled={paying.loading} onClick={pay}>
          {t('basket.pay')}
        </button>
      ) : (
        <p>{t('basket.payNeedsSignIn')}</p>
      )}
      {payUrl ? (
        <PaymentQr url={payUrl} label={t('basket.payQrLabel', { number: order.number })}>
          {t('basket.payOpen')}{' '}
          <a href={payUrl} target="_blank" rel="noopener">
            {t('basket.payLink')}
          </a>
        </PaymentQr>
      ) : null}
      {problem ? <Message kind="error">{problem}</Message> : null}
    </section>
  );
}
