import { useMutation } from '@apollo/client/react';
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { refusal, SelectField, useAction } from '../../../components/actions.tsx';
import { Field, formValue } from '../../../components/forms.tsx';
import { StockAdjust, StockReturn, StockSetReorderPoint } from './operations.ts';
import { emptyLine, type LineDraft, LineRows, newReference, SKU_PATTERN, stockLines, useWarehouseOptions } from './shared.tsx';

/** Corrections of a level: a stock-take adjustment, a customer's return, a reorder point. */
export function Corrections() {
  return (
    <div className="columns">
      <AdjustStock />
      <ReturnStock />
      <ReorderPoint />
    </div>
  );
}

/** The old client's Adjust stock: units added or removed with the reason (never below what is reserved). */
function AdjustStock() {
  const { t } = useTranslation();
  const warehouses = useWarehouseOptions();
  const [adjust] = useMutation(StockAdjust);
  const action = useAction();
  const headingId = useId();
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const delta = Number.parseInt(formValue(form, 'delta'), 10);
    if (delta === 0) {
      action.show({ kind: 'error', text: t('stock.deltaZero') });
      return;
    }
    void action.run(async () => {
      const input = {
        warehouseId: formValue(form, 'warehouseId'),
        skuCode: formValue(form, 'skuCode'),
        delta,
        reason: formValue(form, 'reason'),
      };
      const { data } = await adjust({ variables: { input } });
      const payload = data!.adjustStock;
      if (!payload.level) return refusal(payload.userErrors);
      const { level } = payload;
      return {
        kind: 'info',
        text: t('stock.adjusted', { sku: level.sku.code, onHand: level.onHand, reserved: level.reserved, available: level.available }),
      };
    });
  }
  return (
    <form id="stock-adjust" aria-labelledby={headingId} onSubmit={submit}>
      <h2 id={headingId}>{t('stock.adjustTitle')}</h2>
      <SelectField label={t('stock.warehouse')} name="warehouseId" required placeholder="" options={warehouses} />
      <Field label={t('stock.sku')} name="skuCode" required pattern={SKU_PATTERN} autoComplete="off" />
      <Field label={t('stock.delta')} name="delta" type="number" step={1} required />
      <Field label={t('stock.reason')} name="reason" required maxLength={200} defaultValue={t('stock.stockTake')} />
      <button type="submit" disabled={action.busy}>
        {t('stock.adjust')}
      </button>
      {action.message}
    </form>
  );
}

function ReturnStock() {
  const { t } = useTranslation();
  const warehouses = useWarehouseOptions();
  const [lines, setLines] = useState<LineDraft[]>([emptyLine()]);
  const [returnStock] = useMutation(StockReturn);
  const action = useAction();
  const headingId = useId();
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    void action.run(async () => {
      const input = {
        warehouseId: formValue(form, 'warehouseId'),
        reference: formValue(form, 'reference'),
        reason: formValue(form, 'reason') || null,
        lines: stockLines(lines),
      };
      const { data } = await returnStock({ variables: { input } });
      const payload = data!.returnStock;
      if (!payload.levels) return refusal(payload.userErrors);
      const levels = payload.levels.map((level) => t('stock.levelOnHand', { sku: level.sku.code, onHand: level.onHand })).join(', ');
      return { kind: 'info', text: t('stock.returned', { levels }) };
    });
  }
  return (
    <form id="stock-return" aria-labelledby={headingId} onSubmit={submit}>
      <h2 id={headingId}>{t('stock.returnTitle')}</h2>
      <SelectField label={t('stock.warehouse')} name="warehouseId" required placeholder="" options={warehouses} />
      <Field label={t('stock.returnReference')} name="reference" required maxLength={60} defaultValue={newReference('RET')} />
      <Field label={t('stock.reasonOptional')} name="reason" maxLength={200} />
      <LineRows lines={lines} onChange={setLines} />
      <button type="submit" disabled={action.busy}>
        {t('stock.returnButton')}
      </button>
      {action.message}
    </form>
  );
}

function ReorderPoint() {
  const { t } = useTranslation();
  const warehouses = useWarehouseOptions();
  const [setReorderPoint] = useMutation(StockSetReorderPoint);
  const action = useAction();
  const headingId = useId();
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    void action.run(async () => {
      const point = formValue(form, 'reorderPoint');
      const input = {
        warehouseId: formValue(form, 'warehouseId'),
        skuCode: formValue(form, 'skuCode'),
        reorderPoint: point ? Number.parseInt(point, 10) : null,
      };
      const { data } = await setReorderPoint({ variables: { input } });
      const payload = data!.setReorderPoint;
      if (!payload.level) return refusal(payload.userErrors);
      const { level } = payload;
      return {
        kind: 'info',
        text:
          level.reorderPoint === null || level.reorderPoint === undefined
            ? t('stock.reorderRemoved', { sku: level.sku.code, warehouse: level.warehouse.code })
            : t(level.lowStock ? 'stock.reorderSetLow' : 'stock.reorderSet', {
                sku: level.sku.code,
                warehouse: level.warehouse.code,
                point: level.reorderPoint,
                available: level.available,
              }),
      };
    });
  }
  return (
    <form id="stock-reorder" aria-labelledby={headingId} onSubmit={submit}>
      <h2 id={headingId}>{t('stock.reorderTitle')}</h2>
      <SelectField label={t('stock.warehouse')} name="warehouseId" required placeholder="" options={warehouses} />
      <Field label={t('stock.sku')} name="skuCode" required pattern={SKU_PATTERN} autoComplete="off" />
      <Field label={t('stock.reorderPoint')} name="reorderPoint" type="number" min={0} step={1} />
      <button type="submit" disabled={action.busy}>
        {t('stock.reorderButton')}
      </button>
      {action.message}
    </form>
  );
}
