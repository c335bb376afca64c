import { useMutation } from '@apollo/client/react';
import { useTranslation } from 'react-i18next';
import { ActionForm, refusal, SelectField } from '../../../components/actions.tsx';
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
  return (
    <ActionForm
      id="catalogue-create-brand"
      title={t('catalogue.reference.brand')}
      submitLabel={t('catalogue.reference.createBrand')}
      work={async (form) => {
        const input = { name: formValue(form, 'name'), country: formValue(form, 'country') || null };
        const payload = (await create({ variables: { input } })).data!.createBrand;
        if (!payload.brand) return refusal(payload.userErrors);
        form.reset();
        return { kind: 'info', text: t('catalogue.reference.brandCreated', { name: payload.brand.name }) };
      }}
    >
      <p className="muted">{t('catalogue.reference.brands', { count })}</p>
      <Field label={t('catalogue.reference.brandName')} name="name" required maxLength={100} />
      <Field label={t('catalogue.reference.country')} name="country" maxLength={60} />
    </ActionForm>
  );
}

function CreateCategory({ categories }: { categories: readonly (readonly [string, string])[] }) {
  const { t } = useTranslation();
  const [create] = useMutation(CatalogueCreateCategory, REFRESH);
  return (
    <ActionForm
      id="catalogue-create-category"
      title={t('catalogue.reference.category')}
      submitLabel={t('catalogue.reference.createCategory')}
      work={async (form) => {
        const input = { name: formValue(form, 'name'), parentId: formValue(form, 'parentId') || null };
        const payload = (await create({ variables: { input } })).data!.createCategory;
        if (!payload.category) return refusal(payload.userErrors);
        form.reset();
        return { kind: 'info', text: t('catalogue.reference.categoryCreated', { path: payload.category.path }) };
      }}
    >
      <p className="muted">{t('catalogue.reference.categories', { count: categories.length })}</p>
      <Field label={t('catalogue.reference.categoryName')} name="name" required maxLength={100} />
      <SelectField
        label={t('catalogue.reference.parent')}
        name="parentId"
        placeholder={t('catalogue.reference.topLevel')}
        options={categories}
      />
    </ActionForm>
  );
}

function CreateSupplier({ count }: { count: number }) {
  const { t } = useTranslation();
  const [create] = useMutation(CatalogueCreateSupplier, REFRESH);
  return (
    <ActionForm
      id="catalogue-create-supplier"
      title={t('catalogue.reference.supplier')}
      submitLabel={t('catalogue.reference.createSupplier')}
      work={async (form) => {
        const input = {
          name: formValue(form, 'name'),
          email: formValue(form, 'email') || null,
          phone: formValue(form, 'phone') || null,
        };
        const payload = (await create({ variables: { input } })).data!.createSupplier;
        if (!payload.supplier) return refusal(payload.userErrors);
        form.reset();
        return { kind: 'info', text: t('catalogue.reference.supplierCreated', { name: payload.supplier.name }) };
      }}
    >
      <p className="muted">{t('catalogue.reference.suppliers', { count })}</p>
      <Field label={t('catalogue.reference.supplierName')} name="name" required maxLength={100} />
      <Field label={t('catalogue.reference.email')} name="email" type="email" maxLength={200} />
      <Field label={t('catalogue.reference.phone')} name="phone" type="tel" maxLength={40} />
    </ActionForm>
  );
}
