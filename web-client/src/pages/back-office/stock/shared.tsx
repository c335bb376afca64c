import { useQuery } from '@apollo/client/react';
import { useTranslation } from 'react-i18next';
import { SelectField } from '../../../components/actions.tsx';
import { Field } from '../../../components/forms.tsx';
import { StockWarehouses } from './operations.ts';

/** Costs are entered in the shop's currency. */
export const CURRENCY = 'CNY';
/** Rows per page of the section's lists: each page stays well within three screens. */
export const PAGE_SIZE = 10;
/** SKU codes as the catalogue writes them (SkuInput.code). */
export const SKU_PATTERN = '[A-Za-z0-9\\-]{2,40}';
/** A cost with at most two decimals. */
export const AMOUNT_PATTERN = '\\d+(\\.\\d{1,2})?';

/**
 * A fresh reference for a delivery, transfer or return, e.g. GRN-20261204201500-K7QZ. The time alone was not
 * unique: two forms shown within one second (receiving a purchase order, then a delivery note) proposed the same
 * reference, and stock refuses a second receipt of a reference in one warehouse.
 */
export function newReference(prefix: string): string {
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  const suffix = Array.from(crypto.getRandomValues(new Uint8Array(4)), (byte) => 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'[byte % 32]).join('');
  return `${prefix}-${stamp}-${suffix}`;
}

/** The warehouses as select options, active ones only unless `all`. */
export function useWarehouseOptions(all = false): (readonly [string, string])[] {
  const { data } = useQuery(StockWarehouses);
  return (data?.warehouses ?? [])
    .filter((warehouse) => all || warehouse.active)
    .map((warehouse) => [warehouse.id, `${warehouse.code} · ${warehouse.name}`] as const);
}

/** A required choice of one active warehouse, named `name` (warehouseId unless a transfer's end). */
export function WarehouseField({ label, name = 'warehouseId' }: { label?: string; name?: string }) {
  const { t } = useTranslation();
  const warehouses = useWarehouseOptions();
  return <SelectField label={label ?? t('stock.warehouse')} name={name} required placeholder="" options={warehouses} />;
}

/** A required SKU code, typed as the catalogue writes it. */
export function SkuField() {
  const { t } = useTranslation();
  return <Field label={t('stock.sku')} name="skuCode" required pattern={SKU_PATTERN} autoComplete="off" />;
}

export interface LineDraft {
  skuCode: string;
  quantity: string;
  unitCost: string;
}

export const emptyLine = (): LineDraft => ({ skuCode: '', quantity: '1', unitCost: '' });

/** Lines of SKU and quantity (and cost when `withCost`), one more with Add line, any but the last removable. */
export function LineRows({
  lines,
  onChange,
  withCost = false,
  costRequired = false,
}: {
  lines: LineDraft[];
  onChange: (lines: LineDraft[]) => void;
  withCost?: boolean;
  costRequired?: boolean;
}) {
  const { t } = useTranslation();
  const set = (index: number, change: Partial<LineDraft>) =>
    onChange(lines.map((line, at) => (at === index ? { ...line, ...change } : line)));
  return (
    <fieldset className="stock-lines">
      <legend>{t('stock.lines')}</legend>
      {lines.map((line, index) => (
        // The inputs are controlled, so a line keyed by its place shows the right values after a removal.
        <div className="stock-line" key={index}>
          <Field
            label={t('stock.lineSku', { line: index + 1 })}
            value={line.skuCode}
            required
            pattern={SKU_PATTERN}
            autoComplete="off"
            onChange={(event) => set(index, { skuCode: event.target.value.toUpperCase() })}
          />
          <Field
            label={t('stock.lineQuantity', { line: index + 1 })}
            type="number"
            min={1}
            step={1}
            required
            value={line.quantity}
            onChange={(event) => set(index, { quantity: event.target.value })}
          />
          {withCost ? (
            <Field
              label={t('stock.lineCost', { line: index + 1, currency: CURRENCY })}
              inputMode="decimal"
              pattern={AMOUNT_PATTERN}
              required={costRequired}
              value={line.unitCost}
              onChange={(event) => set(index, { unitCost: event.target.value })}
            />
          ) : null}
          {lines.length > 1 ? (
            <button type="button" className="link" onClick={() => onChange(lines.filter((_, at) => at !== index))}>
              {t('stock.removeLine', { line: index + 1 })}
            </button>
          ) : null}
        </div>
      ))}
      <button type="button" onClick={() => onChange([...lines, emptyLine()])}>
        {t('stock.addLine')}
      </button>
    </fieldset>
  );
}

/** A draft line as the API's StockLineInput. */
export const stockLine = (line: LineDraft) => ({ skuCode: line.skuCode.trim(), quantity: Number.parseInt(line.quantity, 10) });

/** Draft lines as the API's StockLineInput. */
export const stockLines = (lines: LineDraft[]) => lines.map(stockLine);

/** Lines as "3 × BP-1, 2 × OF-2". */
export const linesText = (lines: readonly { sku: { code: string }; quantity: number }[]) =>
  lines.map((line) => `${line.quantity} × ${line.sku.code}`).join(', ');
