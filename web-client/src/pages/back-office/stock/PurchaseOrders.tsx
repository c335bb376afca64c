import { useMutation, useQuery } from '@apollo/client/react';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ActionForm, refusal, SelectField } from '../../../components/actions.tsx';
import { Field, formValue, Message } from '../../../components/forms.tsx';
import { ConnectionPager, useCursorPages } from '../../../components/Pager.tsx';
import { TableHead } from '../../../components/tables.tsx';
import { formatMoney } from '../../../format.ts';
import type { PurchaseOrderStatus, StockPurchaseOrdersQuery } from '../../../gql/graphql.ts';
import { StockCreatePurchaseOrder, StockPurchaseOrders, StockReceive, StockSuppliers } from './operations.ts';
import {
  CURRENCY,
  emptyLine,
  type LineDraft,
  LineRows,
  linesText,
  newReference,
  PAGE_SIZE,
  stockLine,
  stockLines,
  WarehouseField,
} from './shared.tsx';

type PurchaseOrder = StockPurchaseOrdersQuery['purchaseOrders']['edges'][number]['node'];
const STATUSES: readonly PurchaseOrderStatus[] = ['ORDERED', 'PARTIALLY_RECEIVED', 'RECEIVED', 'CLOSED'];

/** Purchase orders: a paged list (by status), receiving against the chosen one, and a form for a new one. */
export function PurchaseOrders() {
  const { t } = useTranslation();
  const [status, setStatus] = useState<PurchaseOrderStatus | ''>('');
  const pages = useCursorPages();
  const { data, error } = useQuery(StockPurchaseOrders, {
    variables: { status: status || null, first: PAGE_SIZE, after: pages.after },
    fetchPolicy: 'cache-and-network',
  });
  const suppliers = useQuery(StockSuppliers).data?.suppliers ?? [];
  const supplierName = (id: string) => suppliers.find((supplier) => supplier.id === id)?.name ?? id;
  const [receiving, setReceiving] = useState<PurchaseOrder | null>(null);
  const headingId = useId();
  return (
    <>
      <section aria-labelledby={headingId}>
        <h2 id={headingId}>{t('stock.orders.title')}</h2>
        <SelectField
          label={t('stock.orders.status')}
          value={status}
          placeholder={t('stock.orders.anyStatus')}
          options={STATUSES.map((value) => [value, t(`stock.orders.statuses.${value}`)] as const)}
          onChange={(event) => {
            setStatus(event.target.value as PurchaseOrderStatus | '');
            pages.reset();
          }}
        />
        {error ? <Message kind="error">{t('failed', { message: error.message })}</Message> : null}
        {!data ? (
          <Message>{t('loading')}</Message>
        ) : data.purchaseOrders.edges.length === 0 ? (
          <Message>{t('stock.orders.none')}</Message>
        ) : (
          <table id="stock-purchase-orders">
            <caption>{t('stock.orders.caption', { page: pages.page, count: data.purchaseOrders.totalCount })}</caption>
            <TableHead
              columns={[
                t('stock.orders.reference'),
                t('stock.orders.supplier'),
                t('stock.warehouse'),
                t('stock.orders.status'),
                t('stock.orders.lines'),
                [t('stock.orders.total'), 'number'],
                t('stock.orders.receive'),
              ]}
            />
            <tbody>
              {data.purchaseOrders.edges.map(({ node }) => (
                <tr key={node.id} data-reference={node.reference}>
                  <td>{node.reference}</td>
                  <td>{supplierName(node.supplierId)}</td>
                  <td>{node.warehouse.code}</td>
                  <td>{t(`stock.orders.statuses.${node.status}`)}</td>
                  <td>{node.lines.map((line) => `${line.sku.code} ${line.quantityReceived}/${line.quantityOrdered}`).join(', ')}</td>
                  <td className="number">{formatMoney(node.total)}</td>
                  <td>
                    {node.status === 'ORDERED' || node.status === 'PARTIALLY_RECEIVED' ? (
                      <button type="button" className="link" onClick={() => setReceiving(node)}>
                        {t('stock.orders.receiveOne', { reference: node.reference })}
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <ConnectionPager label={t('stock.orders.title')} pages={pages} pageInfo={data?.purchaseOrders.pageInfo} />
      </section>
      <div className="columns">
        <CreatePurchaseOrder suppliers={suppliers} />
        {receiving ? <ReceivePurchaseOrder key={receiving.id} order={receiving} /> : null}
      </div>
    </>
  );
}

function CreatePurchaseOrder({ suppliers }: { suppliers: readonly { id: string; name: string }[] }) {
  const { t } = useTranslation();
  const [lines, setLines] = useState<LineDraft[]>([emptyLine()]);
  const [create] = useMutation(StockCreatePurchaseOrder, { refetchQueries: [StockPurchaseOrders] });
  return (
    <ActionForm
      title={t('stock.orders.create')}
      submitLabel={t('stock.orders.createButton')}
      work={async (form) => {
        const input = {
          supplierId: formValue(form, 'supplierId'),
          warehouseId: formValue(form, 'warehouseId'),
          reference: formValue(form, 'reference') || null,
          lines: lines.map((line) => ({
            ...stockLine(line),
            unitCost: { amount: line.unitCost.trim(), currencyCode: CURRENCY },
          })),
        };
        const payload = (await create({ variables: { input } })).data!.createPurchaseOrder;
        if (!payload.purchaseOrder) return refusal(payload.userErrors);
        setLines([emptyLine()]);
        form.reset();
        return { kind: 'info', text: t('stock.orders.created', { reference: payload.purchaseOrder.reference }) };
      }}
    >
      <SelectField
        label={t('stock.orders.supplier')}
        name="supplierId"
        required
        placeholder=""
        options={suppliers.map((supplier) => [supplier.id, supplier.name] as const)}
      />
      <WarehouseField />
      <Field label={t('stock.orders.referenceOptional')} name="reference" maxLength={60} autoComplete="off" />
      <LineRows lines={lines} onChange={setLines} withCost costRequired />
    </ActionForm>
  );
}

/** Receives what is still outstanding of each line, or less: the clerk types what arrived. */
function ReceivePurchaseOrder({ order }: { order: PurchaseOrder }) {
  const { t } = useTranslation();
  const [lines, setLines] = useState<LineDraft[]>(() =>
    order.lines
      .filter((line) => line.quantityReceived < line.quantityOrdered)
      .map((line) => ({
        skuCode: line.sku.code,
        quantity: String(line.quantityOrdered - line.quantityReceived),
        unitCost: '',
      })),
  );
  const [receive] = useMutation(StockReceive, { refetchQueries: [StockPurchaseOrders] });
  return (
    <ActionForm
      id="stock-receive-order"
      title={t('stock.orders.receiveHeading', { reference: order.reference })}
      submitLabel={t('stock.receive')}
      work={async (form) => {
        const input = {
          warehouseId: order.warehouse.id,
          purchaseOrderId: order.id,
          supplierId: order.supplierId,
          reference: formValue(form, 'reference'),
          lines: stockLines(lines),
        };
        const payload = (await receive({ variables: { input } })).data!.receiveStock;
        if (!payload.receipt) return refusal(payload.userErrors);
        return {
          kind: 'info',
          text: t('stock.received', { lines: linesText(payload.receipt.lines), reference: payload.receipt.reference }),
        };
      }}
    >
      <Field label={t('stock.reference')} name="reference" required maxLength={60} defaultValue={newReference('GRN')} />
      <LineRows lines={lines} onChange={setLines} />
    </ActionForm>
  );
}
