import { useApolloClient } from '@apollo/client/react';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Message } from '../../components/forms.tsx';
import { RegisterSku } from './operations.ts';
import { addLine } from './sale.ts';

/** A SKU code typed or scanned (a barcode scanner types the code and Enter) adds one of it to the sale. */
export function ScanForm() {
  const { t } = useTranslation();
  const client = useApolloClient();
  const [code, setCode] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const wanted = code.trim().toUpperCase();
    if (!wanted) return;
    setProblem(null);
    setBusy(true);
    try {
      const { data } = await client.query({ query: RegisterSku, variables: { code: wanted } });
      const sku = data?.sku;
      if (!sku) {
        setProblem(t('register.unknownSku', { code: wanted }));
        return;
      }
      addLine({ code: sku.code, name: sku.name, productName: sku.product.name, price: sku.price });
      setCode('');
    } catch (error) {
      setProblem(t('failed', { message: (error as Error).message }));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="register-scan" aria-label={t('register.addItems')} onSubmit={submit}>
      <div className="field">
        <label htmlFor="register-scan">{t('register.scan')}</label>
        <input
          id="register-scan"
          value={code}
          onChange={(event) => setCode(event.target.value)}
          autoComplete="off"
          autoCapitalize="characters"
          maxLength={40}
        />
      </div>
      <button type="submit" disabled={busy}>
        {t('register.add')}
      </button>
      {problem ? <Message kind="error">{problem}</Message> : null}
    </form>
  );
}
