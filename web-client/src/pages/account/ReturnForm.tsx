import { useMutation } from '@apollo/client/react';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Field, formValue, Message, userErrorText } from '../../components/forms.tsx';
import type { AccountOrder } from './OrderCard.tsx';
import { AccountRequestReturn } from './operations.ts';

/** Only goods the customer has (a shipped or completed order) can be sent back; requestReturn refuses the rest. */
const RETURNABLE = new Set(['SHIPPED', 'COMPLETED']);

/** Asks to send back some units of an eligible order's lines; the order's status then says where the return stands. */
export function ReturnForm({ order }: { order: AccountOrder }) {
  const { t } = useTranslation();
  const [requestReturn, requesting] = useMutation(AccountRequestReturn, { refetchQueries: ['AccountOrders'] });
  const [problem, setProblem] = useState<string | null>(null);
  const returnable = order.lines.filter((line) => line.quantity > line.returnedQuantity);
  if (!RETURNABLE.has(order.status) || returnable.length === 0) return null;

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setProblem(null);
    const form = event.currentTarget;
    const lines = returnable
      .map((line) => ({ skuCode: line.sku.code, quantity: Number(formValue(form, `return-${line.sku.code}`) || '0') }))
      .filter((line) => Number.isInteger(line.quantity) && line.quantity > 0);
    if (lines.length === 0) {
      setProblem(t('account.returnNothing'));
      return;
    }
    try {
      const { data } = await requestReturn({ variables: { input: { orderId: order.id, lines, reason: formValue(form, 'reason') } } });
      const refused = userErrorText(data?.requestReturn.userErrors);
      if (refused || !data?.requestReturn.order) throw new Error(refused ?? t('failed', { message: 'requestReturn' }));
    } catch (error) {
      setProblem((error as Error).message);
    }
  }

  return (
    <details>
      <summary>{t('account.requestReturn')}</summary>
      <form aria-label={t('account.requestReturn')} onSubmit={submit}>
        {returnable.map((line) => {
          const max = line.quantity - line.returnedQuantity;
          return (
            <Field
              key={line.sku.code}
              label={t('account.returnQuantity', { code: line.sku.code, max })}
              name={`return-${line.sku.code}`}
              type="number"
              min={0}
              max={max}
              step={1}
              defaultValue={max}
            />
          );
        })}
        <Field label={t('account.returnReason')} name="reason" maxLength={500} required />
        <button type="submit" disabled={requesting.loading}>
          {t('account.sendReturn')}
        </button>
        {problem ? <Message kind="error">{problem}</Message> : null}
      </form>
    </details>
  );
}
