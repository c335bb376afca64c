import { useMutation } from '@apollo/client/react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ActionForm, refusal } from '../../../components/actions.tsx';
import { Field, formValue } from '../../../components/forms.tsx';
import { StockReceive, StockTransfer } from './operations.ts';
import { emptyLine, type LineDraft, LineRows, linesText, newReference, stockLines, WarehouseField } from './shared.tsx';

/** Goods arriving without a purchase order, and goods moving between warehouses. */
export function ReceiveAndTransfer() {
  return (
    <div className="columns">
      <ReceiveStock />
      <TransferStock />
    </div>
  );
}

/** A fresh reference in the form's reference field, so the next delivery or transfer does not reuse this one. */
function renewReference(form: HTMLFormElement, prefix: string) {
  (form.elements.namedItem('reference') as HTMLInputElement).value = newReference(prefix);
}

/** A delivery note's goods into one warehouse (the old client's Receive stock, with several lines). */
function ReceiveStock() {
  const { t } = useTranslation();
  const [lines, setLines] = useState<LineDraft[]>([emptyLine()]);
  const [receive] = useMutation(StockReceive);
  return (
    <ActionForm
      id="stock-receive"
      title={t('stock.receiveTitle')}
      submitLabel={t('stock.receive')}
      work={async (form) => {
        const input = { warehouseId: formValue(form, 'warehouseId'), reference: formValue(form, 'reference'), lines: stockLines(lines) };
        const payload = (await receive({ variables: { input } })).data!.receiveStock;
        if (!payload.receipt) return refusal(payload.userErrors);
        renewReference(form, 'GRN');
        return {
          kind: 'info',
          text: t('stock.received', { lines: linesText(payload.receipt.lines), reference: payload.receipt.reference }),
        };
      }}
    >
      <WarehouseField />
      <Field label={t('stock.deliveryNote')} name="reference" required maxLength={60} defaultValue={newReference('GRN')} />
      <LineRows lines={lines} onChange={setLines} />
    </ActionForm>
  );
}

function TransferStock() {
  const { t } = useTranslation();
  const [lines, setLines] = useState<LineDraft[]>([emptyLine()]);
  const [transfer] = useMutation(StockTransfer);
  return (
    <ActionForm
      id="stock-transfer"
      title={t('stock.transferTitle')}
      submitLabel={t('stock.transfer')}
      work={async (form) => {
        const input = {
          fromWarehouseId: formValue(form, 'fromWarehouseId'),
          toWarehouseId: formValue(form, 'toWarehouseId'),
          reference: formValue(form, 'reference'),
          lines: stockLines(lines),
        };
        const payload = (await transfer({ variables: { input } })).data!.transferStock;
        if (!payload.transfer) return refusal(payload.userErrors);
        renewReference(form, 'TRF');
        const { from, to } = payload.transfer;
        return { kind: 'info', text: t('stock.transferred', { lines: linesText(payload.transfer.lines), from: from.code, to: to.code }) };
      }}
    >
      <WarehouseField label={t('stock.from')} name="fromWarehouseId" />
      <WarehouseField label={t('stock.to')} name="toWarehouseId" />
      <Field label={t('stock.reference')} name="reference" required maxLength={60} defaultValue={newReference('TRF')} />
      <LineRows lines={lines} onChange={setLines} />
    </ActionForm>
  );
}
