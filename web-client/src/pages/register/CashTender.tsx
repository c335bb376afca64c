import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Message } from '../../components/forms.tsx';
import { formatMoney, type Money } from '../../format.ts';
import { type CashTaken, tender } from './cash.ts';

/**
 * Taking cash: the cashier types what the customer handed over (the exact total to start with) and sees the change
 * to give as they type; less than the total, or something that is not an amount, is refused before any payment.
 */
export function CashTender({ total, busy, onTake }: { total: Money; busy: boolean; onTake: (cash: CashTaken) => void }) {
  const { t } = useTranslation();
  const [typed, setTyped] = useState(total.amount);
  const [problem, setProblem] = useState<string | null>(null);
  const counted = tender(typed, total);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (counted.kind === 'invalid') setProblem(t('register.tenderedInvalid'));
    else if (counted.kind === 'short')
      setProblem(t('register.tenderedShort', { tendered: formatMoney(counted.tendered), total: formatMoney(total) }));
    else {
      setProblem(null);
      onTake({ tendered: counted.tendered, change: counted.change });
    }
  }

  return (
    <form className="inline register-cash" onSubmit={submit}>
      <div className="field">
        <label htmlFor="register-tendered">{t('register.tendered')}</label>
        <input
          id="register-tendered"
          name="tendered"
          inputMode="decimal"
          autoComplete="off"
          maxLength={12}
          value={typed}
          aria-invalid={problem ? true : undefined}
          onChange={(event) => {
            setTyped(event.target.value);
            setProblem(null);
          }}
        />
      </div>
      <output htmlFor="register-tendered" aria-live="polite" data-testid="register-change">
        {counted.kind === 'enough' ? t('register.change', { change: formatMoney(counted.change) }) : null}
      </output>
      <button type="submit" disabled={busy}>
        {t('register.payCash', { total: formatMoney(total) })}
      </button>
      {problem ? <Message kind="error">{problem}</Message> : null}
    </form>
  );
}
