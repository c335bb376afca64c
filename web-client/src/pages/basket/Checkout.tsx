import { useMutation, useQuery } from '@apollo/client/react';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type BasketLine, checkoutKey, emptyBasket } from '../../basket.ts';
import { Field, formValue, Message, userErrorText } from '../../components/forms.tsx';
import { usePollWhilePending } from '../../components/order-polling.ts';
import { PaymentQr } from '../../components/PaymentQr.tsx';
import { RedemptionFields, redemptionOf, usableCoupons } from '../../components/Redemption.tsx';
import { formatMoney } from '../../format.ts';
import type { BasketPlaceOrderMutation } from '../../gql/graphql.ts';
import { currentUser } from '../../session.ts';
import { BasketCreatePayment, BasketMember, BasketOrder, BasketPlaceOrder } from './operations.ts';

type PlacedOrder = NonNullable<BasketPlaceOrderMutation['placeOrder']['order']>;
const ADDRESS_FIELDS = ['name', 'phone', 'line1', 'city', 'postalCode', 'country'] as const;

/** PlaceOrder as a guest or a member with a shipping address, then paying by the QR code (the provider's simulator). */
export function Checkout({ lines }: { lines: readonly BasketLine[] }) {
  const { t } = useTranslation();
  const [placeOrder, placing] = useMutation(BasketPlaceOrder);
  const [problem, setProblem] = useState<string | null>(null);
  const [placed, setPlaced] = useState<PlacedOrder | null>(null);
  const isMember = currentUser()?.kind === 'member';
  // A member may redeem a coupon and points; a guest has neither. Asked afresh: a paid order earns points.
  const member = useQuery(BasketMember, { skip: !isMember, fetchPolicy: 'network-only' }).data?.me;

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
      ...redemptionOf(form, Boolean(member)),
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
          <p className="muted">{isMember ? t('basket.asMember') : t('basket.asGuest')}</p>
          <Field label={t('basket.name')} name="name" autoComplete="name" required />
          <Field label={t('basket.phone')} name="phone" type="tel" autoComplete="tel" required />
          <Field label={t('basket.address')} name="line1" autoComplete="address-line1" required />
          <Field label={t('basket.city')} name="city" autoComplete="address-level2" required />
          <Field label={t('basket.postalCode')} name="postalCode" autoComplete="postal-code" required />
          <Field label={t('basket.country')} name="country" autoComplete="country" defaultValue="CN" maxLength={2} required />
          {member ? <RedemptionFields coupons={usableCoupons(member.coupons)} points={member.points} /> : null}
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
  // The order as it is now: the customer pays on their phone, and the page shows it paid as soon as it is.
  const live = useQuery(BasketOrder, { variables: { id: order.id } });
  const status = live.data?.order?.status ?? order.status;
  usePollWhilePending(live.data?.order?.status, live.startPolling, live.stopPolling);
  const total = live.data?.order?.total ?? order.total;

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
      <p role="status" data-status={status}>
        {t('basket.placedSummary', { status: t(`register.status.${status}`), total: formatMoney(total) })}
      </p>
      {status === 'PENDING_PAYMENT' && order.reservationExpiresAt ? (
        <p className="muted">{t('basket.payBefore', { time: new Date(order.reservationExpiresAt).toLocaleTimeString() })}</p>
      ) : null}
      {status !== 'PENDING_PAYMENT' ? null : currentUser() ? (
        <button type="button" disabled={paying.loading} onClick={pay}>
          {t('basket.pay')}
        </button>
      ) : (
        <p>{t('basket.payNeedsSignIn')}</p>
      )}
      {payUrl && status === 'PENDING_PAYMENT' ? (
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
