import { useMutation } from '@apollo/client/react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ActionForm, refusal } from '../../../components/actions.tsx';
import { Field, formValue } from '../../../components/forms.tsx';
import { StockAdjust, StockReturn, StockSetReorderPoint } from './operations.ts';
import { emptyLine, type LineDraft, LineRows, newReference, SkuField, stockLines, WarehouseField } from './shared.tsx';

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
  const [adjust] = useMutation(StockAdjust);
  return (
    <ActionForm
      id="stock-adjust"
      title={t('stock.adjustTitle')}
      submitLabel={t('stock.adjust')}
      work={async (form) => {
        const delta = Number.parseInt(formValue(form, 'delta'), 10);
        if (delta === 0) return { kind: 'error', text: t('stock.deltaZero') };
        const input = {
          warehouseId: formValue(form, 'warehouseId'),
          skuCode: formValue(form, 'skuCode'),
          delta,
          reason: formValue(form, 'reason'),
        };
        const payload = (await adjust({ variables: { input } })).data!.adjustStock;
        if (!payload.level) return refusal(payload.userErrors);
        const { level } = payload;
        return {
          kind: 'info',
          text: t('stock.adjusted', { sku: level.sku.code, onHand: level.onHand, reserved: level.reserved, available: level.available }),
        };
      }}
    >
      <WarehouseField />
      <SkuField />
      <Field label={t('stock.delta')} name="delta" type="number" step={1} required />
      <Field label={t('stock.reason')} name="reason" required maxLength={200} defaultValue={t('stock.stockTake')} />
    </ActionForm>
  );
}

function ReturnStock() {
  const { t } = useTranslation();
  const [lines, setLines] = useState<LineDraft[]>([emptyLine()]);
  const [returnStock] = useMutation(StockReturn);
  return (
    <ActionForm
      id="stock-return"
      title={t('stock.returnTitle')}
      submitLabel={t('stock.returnButton')}
      work={async (form) => {
        const input = {
          warehouseId: formValue(form, 'warehouseId'),
          reference: formValue(form, 'reference'),
          reason: formValue(form, 'reason') || null,
          lines: stockLines(lines),
        };
        const payload = (await returnStock({ variables: { input } })).data!.returnStock;
        if (!payload.levels) return refusal(payload.userErrors);
        const levels = payload.levels.map((level) => t('stock.levelOnHand', { sku: level.sku.code, onHand: level.onHand })).join(', ');
        return { kind: 'info', text: t('stock.returned', { levels }) };
      }}
    >
      <WarehouseField />
      <Field label={t('stock.returnReference')} name="reference" required maxLength={60} defaultValue={newReference('RET')} />
      <Field label={t('stock.reasonOptional')} name="reason" maxLength={200} />
      <LineRows lines={lines} onChange={setLines} />
    </ActionForm>
  );
}

function ReorderPoint() {
  const { t } = useTranslation();
  const [setReorderPoint] = useMutation(StockSetReorderPoint);
  return (
    <ActionForm
      id="stock-reorder"
      title={t('stock.reorderTitle')}
      submitLabel={t('stock.reorderButton')}
      work={async (form) => {
        const point = formValue(form, 'reorderPoint');
        const input = {
          warehouseId: formValue(form, 'warehouseId'),
          skuCode: formValue(form, 'skuCode'),
          reorderPoint: point ? Number.parseInt(point, 10) : null,
        };
        const payload = (await setReorderPoint({ variables: { input } })).data!.setReorderPoint;
        if (!payload.level) return refusal(payload.userErrors);
        const { level } = payload;
        const where = { sku: level.sku.code, warehouse: level.warehouse.code };
        return {
          kind: 'info',
          text:
            level.reorderPoint === null || level.reorderPoint === undefined
              ? t('stock.reorderRemoved', where)
              : t(level.lowStock ? 'stock.reorderSetLow' : 'stock.reorderSet', {
                  ...where,
                  point: level.reorderPoint,
                  available: level.available,
                }),
        };
      }}
    >
      <WarehouseField />
      <SkuField />
      <Field label={t('stock.reorderPoint')} name="reorderPoint" type="number" min={0} step={1} />
    </ActionForm>
  );
}
