import { useMutation } from '@apollo/client/react';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Message, userErrorText } from '../../components/forms.tsx';
import { RedemptionFields, redemptionOf } from '../../components/Redemption.tsx';
import { RegisterPlaceOrder } from './operations.ts';
import { setOrderId, useSale } from './sale.ts';

/**
 * Places the sale with its one idempotency key (sale.ts). When the network fails the cashier cannot know whether the
 * order was placed; pressing the button again sends the same key, so the orders subgraph answers with the order it
 * placed, if it did, and never reserves the shelf's stock twice.
 */
export function PlaceSale({ storeWarehouseId }: { storeWarehouseId: string }) {
  const { t } = useTranslation();
  const sale = useSale();
  const [placeOrder, placing] = useMutation(RegisterPlaceOrder);
  const [problem, setProblem] = useState<string | null>(null);
  const [retrying, setRetrying] = useState(false);
  if (sale.lines.length === 0) return null;

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setProblem(null);
    const form = event.currentTarget;
    const input = {
      idempotencyKey: sale.key,
      channel: 'STORE' as const,
      storeWarehouseId,
      lines: sale.lines.map((line) => ({ skuCode: line.code, quantity: line.quantity })),
      memberId: sale.member?.id ?? null,
      ...redemptionOf(form, sale.member !== null),
    };
    let data: Awaited<ReturnType<typeof placeOrder>>['data'];
    try {
      ({ data } = await placeOrder({ variables: { input } }));
    } catch {
      // Unknown outcome: the key stays, so the retry is safe.
      setRetrying(true);
      setProblem(t('register.networkFailed'));
      return;
    }
    const refused = userErrorText(data?.placeOrder.userErrors);
    if (refused || !data?.placeOrder.order) {
      setProblem(refused ?? t('failed', { message: 'placeOrder' }));
      return;
    }
    setOrderId(data.placeOrder.order.id);
  }

  return (
    <form className="panel" aria-labelledby="register-place" onSubmit={submit}>
      <h2 id="register-place">{t('register.checkout')}</h2>
      {sale.member ? (
        <RedemptionFields coupons={sale.member.coupons} points={sale.member.points} />
      ) : (
        <p className="muted">{t('register.anonymous')}</p>
      )}
      <button type="submit" disabled={placing.loading}>
        {retrying ? t('register.retry') : t('register.place')}
      </button>
      {problem ? <Message kind="error">{problem}</Message> : null}
    </form>
  );
}
