import { useMutation } from '@apollo/client/react';
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { refusal, SelectField, useAction } from '../../../components/actions.tsx';
import { Field, formValue } from '../../../components/forms.tsx';
import { StockReceive, StockTransfer } from './operations.ts';
import { emptyLine, type LineDraft, LineRows, linesText, newReference, stockLines, useWarehouseOptions } from './shared.tsx';

/** Goods arriving without a purchase order, and goods moving between warehouses. */
export function ReceiveAndTransfer() {
  return (
    <div className="columns">
      <ReceiveStock />
      <TransferStock />
    </div>
  );
}

/** A delivery note's goods into one warehouse (the old client's Receive stock, with several lines). */
function ReceiveStock() {
  const { t } = useTranslation();
  const warehouses = useWarehouseOptions();
  const [lines, setLines] = useState<LineDraft[]>([emptyLine()]);
  const [receive] = useMutation(StockReceive);
  const action = useAction();
  const headingId = useId();
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    void action.run(async () => {
      const input = { warehouseId: formValue(form, 'warehouseId'), reference: formValue(form, 'reference'), lines: stockLines(lines) };
      const { data } = await receive({ variables: { input } });
      const payload = data!.receiveStock;
      if (!payload.receipt) return refusal(payload.userErrors);
      (form.elements.namedItem('reference') as HTMLInputElement).value = newReference('GRN');
      return { kind: 'info', text: t('stock.received', { lines: linesText(payload.receipt.lines), reference: payload.receipt.reference }) };
    });
  }
  return (
    <form id="stock-receive" aria-labelledby={headingId} onSubmit={submit}>
      <h2 id={headingId}>{t('stock.receiveTitle')}</h2>
      <SelectField label={t('stock.warehouse')} name="warehouseId" required placeholder="" options={warehouses} />
      <Field label={t('stock.deliveryNote')} name="reference" required maxLength={60} defaultValue={newReference('GRN')} />
      <LineRows lines={lines} onChange={setLines} />
      <button type="submit" disabled={action.busy}>
        {t('stock.receive')}
      </button>
      {action.message}
    </form>
  );
}

function TransferStock() {
  const { t } = useTranslation();
  const warehouses = useWarehouseOptions();
  const [lines, setLines] = useState<LineDraft[]>([emptyLine()]);
  const [transfer] = useMutation(StockTransfer);
  const action = useAction();
  const headingId = useId();
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    void action.run(async () => {
      const input = {
        fromWarehouseId: formValue(form, 'fromWarehouseId'),
        toWarehouseId: formValue(form, 'toWarehouseId'),
        reference: formValue(form, 'reference'),
        lines: stockLines(lines),
      };
      const { data } = await transfer({ variables: { input } });
      const payload = data!.transferStock;
      if (!payload.transfer) return refusal(payload.userErrors);
      (form.elements.namedItem('reference') as HTMLInputElement).value = newReference('TRF');
      const { from, to } = payload.transfer;
      return { kind: 'info', text: t('stock.transferred', { lines: linesText(payload.transfer.lines), from: from.code, to: to.code }) };
    });
  }
  return (
    <form id="stock-transfer" aria-labelledby={headingId} onSubmit={submit}>
      <h2 id={headingId}>{t('stock.transferTitle')}</h2>
      <SelectField label={t('stock.from')} name="fromWarehouseId" required placeholder="" options={warehouses} />
      <SelectField label={t('stock.to')} name="toWarehouseId" required placeholder="" options={warehouses} />
      <Field label={t('stock.reference')} name="reference" required maxLength={60} defaultValue={newReference('TRF')} />
      <LineRows lines={lines} onChange={setLines} />
      <button type="submit" disabled={action.busy}>
        {t('stock.transfer')}
      </button>
      {action.message}
    </form>
  );
}
