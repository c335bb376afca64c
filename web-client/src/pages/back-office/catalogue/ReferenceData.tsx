import { useMutation } from '@apollo/client/react';
import { type FormEvent, useId } from 'react';
import { useTranslation } from 'react-i18next';
import { refusal, SelectField, useAction } from '../../../components/actions.tsx';
import { Field, formValue } from '../../../components/forms.tsx';
import { CatalogueCreateBrand, CatalogueCreateCategory, CatalogueCreateSupplier, CatalogueReference } from './operations.ts';
import { useReferenceOptions } from './reference.ts';

/** What products refer to: brands, categories and suppliers, each with how many there are and a form for a new one. */
export function ReferenceData() {
  const options = useReferenceOptions();
  return (
    <div className="columns">
      <CreateBrand count={options.brands.length} />
      <CreateCategory categories={options.categories} />
      <CreateSupplier count={options.suppliers.length} />
    </div>
  );
}

/** Each create reads the reference data again, so the product forms offer the new entry at once. */
const REFRESH = { refetchQueries: [CatalogueReference] };

function CreateBrand({ count }: { count: number }) {
  const { t } = useTranslation();
  const [create] = useMutation(CatalogueCreateBrand, REFRESH);
  const action = useAction();
  const headingId = useId();
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    void action.run(async () => {
      const input = { name: formValue(form, 'name'), country: formValue(form, 'country') || null };
      const { data } = await create({ variables: { input } });
      const payload = data!.createBrand;
      if (!payload.brand) return refusal(payload.userErrors);
      form.reset();
      return { kind: 'info', text: t('catalogue.reference.brandCreated', { name: payload.brand.name }) };
    });
  }
  return (
    <form id="catalogue-create-brand" aria-labelledby={headingId} onSubmit={submit}>
      <h2 id={headingId}>{t('catalogue.reference.brand')}</h2>
      <p className="muted">{t('catalogue.reference.brands', { count })}</p>
      <Field label={t('catalogue.reference.brandName')} name="name" required maxLength={100} />
      <Field label={t('catalogue.reference.country')} name="country" maxLength={60} />
      <button type="submit" disabled={action.busy}>
        {t('catalogue.reference.createBrand')}
      </button>
      {action.message}
    </form>
  );
}

function CreateCategory({ categories }: { categories: readonly (readonly [string, string])[] }) {
  const { t } = useTranslation();
  const [create] = useMutation(CatalogueCreateCategory, REFRESH);
  const action = useAction();
  const headingId = useId();
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    void action.run(async () => {
      const input = { name: formValue(form, 'name'), parentId: formValue(form, 'parentId') || null };
      const { data } = await create({ variables: { input } });
      const payload = data!.createCategory;
      if (!payload.category) return refusal(payload.userErrors);
      form.reset();
      return { kind: 'info', text: t('catalogue.reference.categoryCreated', { path: payload.category.path }) };
    });
  }
  return (
    <form id="catalogue-create-category" aria-labelledby={headingId} onSubmit={submit}>
      <h2 id={headingId}>{t('catalogue.reference.category')}</h2>
      <p className="muted">{t('catalogue.reference.categories', { count: categories.length })}</p>
      <Field label={t('catalogue.reference.categoryName')} name="name" required maxLength={100} />
      <SelectField
        label={t('catalogue.reference.parent')}
        name="parentId"
        placeholder={t('catalogue.reference.topLevel')}
        options={categories}
      />
      <button type="submit" disabled={action.busy}>
        {t('catalogue.reference.createCategory')}
      </button>
      {action.message}
    </form>
  );
}

function CreateSupplier({ count }: { count: number }) {
  const { t } = useTranslation();
  const [create] = useMutation(CatalogueCreateSupplier, REFRESH);
  const action = useAction();
  const headingId = useId();
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    void action.run(async () => {
      const input = {
        name: formValue(form, 'name'),
        email: formValue(form, 'email') || null,
        phone: formValue(form, 'phone') || null,
      };
      const { data } = await create({ variables: { input } });
      const payload = data!.createSupplier;
      if (!payload.supplier) return refusal(payload.userErrors);
      form.reset();
      return { kind: 'info', text: t('catalogue.reference.supplierCreated', { name: payload.supplier.name }) };
    });
  }
  return (
    <form id="catalogue-create-supplier" aria-labelledby={headingId} onSubmit={submit}>
      <h2 id={headingId}>{t('catalogue.reference.supplier')}</h2>
      <p className="muted">{t('catalogue.reference.suppliers', { count })}</p>
      <Field label={t('catalogue.reference.supplierName')} name="name" required maxLength={100} />
      <Field label={t('catalogue.reference.email')} name="email" type="email" maxLength={200} />
      <Field label={t('catalogue.reference.phone')} name="phone" type="tel" maxLength={40} />
      <button type="submit" disabled={action.busy}>
        {t('catalogue.reference.createSupplier')}
      </button>
      {action.message}
    </form>
  );
}
