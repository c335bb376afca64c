import { useMutation } from '@apollo/client/react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Field, formValue } from '../../../components/forms.tsx';
import type { BackOfficeOrderQuery } from '../../../gql/graphql.ts';
import { BackOfficeCancelOrder, BackOfficeCompleteOrder, BackOfficeReceiveReturn, BackOfficeShipOrder } from './operations.ts';
import { OutcomeMessage, useOutcome } from './outcome.tsx';

type Order = NonNullable<BackOfficeOrderQuery['order']>;

/**
 * What staff may do next with the order, by its status: ship a paid one (carrier and tracking number, as the old
 * back office asked), complete a shipped one, receive a requested return, cancel one not yet shipped.
 */
export function OrderActions({ order, onChanged }: { order: Order; onChanged: () => Promise<void> }) {
  const { t } = useTranslation();
  const { outcome, busy, run } = useOutcome();
  const [ship] = useMutation(BackOfficeShipOrder);
  const [complete] = useMutation(BackOfficeCompleteOrder);
  const [cancel] = useMutation(BackOfficeCancelOrder);
  const [receive] = useMutation(BackOfficeReceiveReturn);

  async function act(send: () => Promise<readonly { code?: string | null; message: string }[] | undefined>, done: string) {
    if (await run(send, done)) await onChanged();
  }

  function submitShip(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const input = {
      orderId: order.id,
      carrier: formValue(event.currentTarget, 'carrier'),
      trackingNumber: formValue(event.currentTarget, 'tracking'),
    };
    void act(
      async () => (await ship({ variables: { input } })).data?.shipOrder.userErrors,
      t('boOrders.shipped', { number: order.number }),
    );
  }

  function submitCancel(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const input = { orderId: order.id, reason: formValue(event.currentTarget, 'reason') };
    void act(
      async () => (await cancel({ variables: { input } })).data?.cancelOrder.userErrors,
      t('boOrders.cancelled', { number: order.number }),
    );
  }

  // Completing a shipped order and receiving a requested return need nothing but the order: one button each.
  const input = { orderId: order.id };
  const step =
    order.status === 'SHIPPED'
      ? {
          label: t('boOrders.complete'),
          send: async () => (await complete({ variables: { input } })).data?.completeOrder.userErrors,
          done: t('boOrders.completed', { number: order.number }),
        }
      : order.status === 'RETURN_REQUESTED'
        ? {
            label: t('boOrders.receiveReturn'),
            send: async () => (await receive({ variables: { input } })).data?.receiveReturn.userErrors,
            done: t('boOrders.returnReceived', { number: order.number }),
          }
        : null;
  const shippable = order.status === 'PAID';
  const cancellable = order.status === 'PAID' || order.status === 'PENDING_PAYMENT';
  return (
    <section aria-labelledby="bo-order-actions" className="panel">
      <h2 id="bo-order-actions">{t('boOrders.actions')}</h2>
      <OutcomeMessage outcome={outcome} />
      <div className="columns">
        {shippable ? (
          <form aria-label={t('boOrders.shipForm', { number: order.number })} onSubmit={submitShip}>
            <Field label={t('boOrders.carrier')} name="carrier" required maxLength={100} />
            <Field label={t('boOrders.tracking')} name="tracking" required maxLength={100} />
            <button type="submit" disabled={busy}>
              {t('boOrders.ship')}
            </button>
          </form>
        ) : null}
        {step ? (
          <p>
            <button type="button" disabled={busy} onClick={() => act(step.send, step.done)}>
              {step.label}
            </button>
          </p>
        ) : null}
        {cancellable ? (
          <form aria-label={t('boOrders.cancelForm', { number: order.number })} onSubmit={submitCancel}>
            <Field label={t('boOrders.reason')} name="reason" required maxLength={500} />
            <button type="submit" disabled={busy}>
              {t('boOrders.cancel')}
            </button>
          </form>
        ) : null}
        {!shippable && !cancellable && !step ? <p>{t('boOrders.nothingToDo')}</p> : null}
      </div>
    </section>
  );
}
