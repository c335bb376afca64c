import { useMutation, useQuery } from '@apollo/client/react';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ActionForm, refusal } from '../../../components/actions.tsx';
import { CheckField, Field, formValue, Message } from '../../../components/forms.tsx';
import { TableHead } from '../../../components/tables.tsx';
import type { StockWarehousesQuery } from '../../../gql/graphql.ts';
import { StockCreateWarehouse, StockUpdateWarehouse, StockWarehouses } from './operations.ts';

type Warehouse = StockWarehousesQuery['warehouses'][number];

/** Warehouses: every one (inactive too), a form to create one, and one to change the chosen one. */
export function Warehouses() {
  const { t } = useTranslation();
  const { data, error } = useQuery(StockWarehouses);
  const [editing, setEditing] = useState<string | null>(null);
  const headingId = useId();
  const chosen = data?.warehouses.find((warehouse) => warehouse.id === editing);
  return (
    <>
      <section aria-labelledby={headingId}>
        <h2 id={headingId}>{t('stock.warehouses.title')}</h2>
        {error ? <Message kind="error">{t('failed', { message: error.message })}</Message> : null}
        {!data ? (
          <Message>{t('loading')}</Message>
        ) : (
          <table id="stock-warehouses">
            <TableHead
              columns={[
                t('stock.warehouses.code'),
                t('stock.warehouses.name'),
                t('stock.warehouses.region'),
                [t('stock.warehouses.priority'), 'number'],
                t('stock.warehouses.active'),
                t('stock.warehouses.change'),
              ]}
            />
            <tbody>
              {data.warehouses.map((warehouse) => (
                <tr key={warehouse.id} data-code={warehouse.code}>
                  <td>
                    <code>{warehouse.code}</code>
                  </td>
                  <td>{warehouse.name}</td>
                  <td>{warehouse.region}</td>
                  <td className="number">{warehouse.priority}</td>
                  <td>{warehouse.active ? t('stock.yes') : t('stock.no')}</td>
                  <td>
                    <button type="button" className="link" onClick={() => setEditing(warehouse.id)}>
                      {t('stock.warehouses.edit', { code: warehouse.code })}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <div className="columns">
        <CreateWarehouse />
        {chosen ? <UpdateWarehouse key={chosen.id} warehouse={chosen} /> : null}
      </div>
    </>
  );
}

/** What a warehouse has besides its code, as found in both forms: empty for a new one, filled in for a change. */
function WarehouseFields({ warehouse }: { warehouse?: Warehouse }) {
  const { t } = useTranslation();
  return (
    <>
      <Field label={t('stock.warehouses.name')} name="name" required maxLength={100} defaultValue={warehouse?.name} />
      <Field label={t('stock.warehouses.region')} name="region" required maxLength={100} defaultValue={warehouse?.region} />
      <Field
        label={t('stock.warehouses.priority')}
        name="priority"
        type="number"
        min={1}
        step={1}
        required
        defaultValue={String(warehouse?.priority ?? 100)}
      />
    </>
  );
}

/** The fields both forms send. */
const warehouseInput = (form: HTMLFormElement) => ({
  name: formValue(form, 'name'),
  region: formValue(form, 'region'),
  priority: Number.parseInt(formValue(form, 'priority'), 10),
});

function CreateWarehouse() {
  const { t } = useTranslation();
  const [create] = useMutation(StockCreateWarehouse, { refetchQueries: [StockWarehouses] });
  return (
    <ActionForm
      title={t('stock.warehouses.create')}
      submitLabel={t('stock.warehouses.createButton')}
      work={async (form) => {
        const input = { code: formValue(form, 'code').toUpperCase(), ...warehouseInput(form) };
        const payload = (await create({ variables: { input } })).data!.createWarehouse;
        if (!payload.warehouse) return refusal(payload.userErrors);
        form.reset();
        return { kind: 'info', text: t('stock.warehouses.created', { code: payload.warehouse.code }) };
      }}
    >
      <Field label={t('stock.warehouses.code')} name="code" required pattern="[A-Za-z0-9\-]{1,20}" autoComplete="off" />
      <WarehouseFields />
    </ActionForm>
  );
}

function UpdateWarehouse({ warehouse }: { warehouse: Warehouse }) {
  const { t } = useTranslation();
  const [update] = useMutation(StockUpdateWarehouse);
  return (
    <ActionForm
      title={t('stock.warehouses.update', { code: warehouse.code })}
      submitLabel={t('stock.warehouses.save')}
      work={async (form) => {
        const input = { id: warehouse.id, ...warehouseInput(form), active: new FormData(form).get('active') === 'on' };
        const payload = (await update({ variables: { input } })).data!.updateWarehouse;
        if (!payload.warehouse) return refusal(payload.userErrors);
        return { kind: 'info', text: t('stock.warehouses.updated', { code: payload.warehouse.code }) };
      }}
    >
      <WarehouseFields warehouse={warehouse} />
      <CheckField label={t('stock.warehouses.active')} name="active" defaultChecked={warehouse.active} />
    </ActionForm>
  );
}
