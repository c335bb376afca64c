import { useMutation } from '@apollo/client/react';
import { type FormEvent, useId } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { refusal, SelectField, useAction } from '../../../components/actions.tsx';
import { Field, formValue, Message } from '../../../components/forms.tsx';
import type { CatalogueProductQuery, TaxClass } from '../../../gql/graphql.ts';
import { CatalogueCreateProduct, CatalogueProducts, CatalogueUpdateProduct } from './operations.ts';
import { useReferenceOptions } from './reference.ts';
import { CATALOGUE_BASE } from './routes.ts';

type Product = NonNullable<CatalogueProductQuery['product']>;

const TAX_CLASSES: readonly TaxClass[] = ['STANDARD', 'REDUCED', 'EXEMPT'];
/** Prices are set in the shop's currency. */
export const CURRENCY = 'CNY';
/** SKU codes as SkuInput.code allows them. */
export const SKU_CODE_PATTERN = '[A-Za-z0-9\\-]{2,40}';
/** A price with at most two decimals. */
export const PRICE_PATTERN = '\\d+(\\.\\d{1,2})?';

/** The fields a product's create and edit forms share: name, description, brand, category, supplier, tax class. */
function DetailFields({ product }: { product?: Product }) {
  const { t } = useTranslation();
  const options = useReferenceOptions();
  const descriptionId = useId();
  if (options.error) return <Message kind="error">{t('failed', { message: options.error.message })}</Message>;
  if (!options.loaded) return <Message>{t('loading')}</Message>;
  return (
    <>
      <Field label={t('catalogue.product.name')} name="name" required maxLength={200} defaultValue={product?.name} />
      <div className="field">
        <label htmlFor={descriptionId}>{t('catalogue.product.description')}</label>
        <textarea id={descriptionId} name="description" rows={3} maxLength={4000} defaultValue={product?.description ?? ''} />
      </div>
      <SelectField
        label={t('catalogue.product.brand')}
        name="brandId"
        required
        placeholder=""
        options={options.brands}
        defaultValue={product?.brand.id}
      />
      <SelectField
        label={t('catalogue.product.category')}
        name="categoryId"
        required
        placeholder=""
        options={options.categories}
        defaultValue={product?.category.id}
      />
      <SelectField
        label={t('catalogue.product.supplier')}
        name="supplierId"
        placeholder={t('catalogue.product.noSupplier')}
        options={options.suppliers}
        defaultValue={product?.supplier?.id ?? ''}
      />
      <SelectField
        label={t('catalogue.product.taxClass')}
        name="taxClass"
        options={TAX_CLASSES.map((value) => [value, t(`catalogue.product.taxClasses.${value}`)] as const)}
        defaultValue={product?.taxClass ?? 'STANDARD'}
      />
    </>
  );
}

function detailInput(form: HTMLFormElement) {
  return {
    name: formValue(form, 'name'),
    description: formValue(form, 'description') || null,
    brandId: formValue(form, 'brandId'),
    categoryId: formValue(form, 'categoryId'),
    supplierId: formValue(form, 'supplierId') || null,
    taxClass: formValue(form, 'taxClass') as TaxClass,
  };
}

/** A new product with its first SKU and price; the editor then adds pictures, part numbers and prices. */
export function CreateProduct() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [create] = useMutation(CatalogueCreateProduct, { refetchQueries: [CatalogueProducts] });
  const action = useAction();
  const headingId = useId();
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    void action.run(async () => {
      const input = {
        ...detailInput(form),
        skus: [
          {
            code: formValue(form, 'skuCode').toUpperCase(),
            name: formValue(form, 'skuName'),
            price: { amount: formValue(form, 'price'), currencyCode: CURRENCY },
          },
        ],
      };
      const { data } = await create({ variables: { input } });
      const payload = data!.createProduct;
      if (!payload.product) return refusal(payload.userErrors);
      void navigate(`${CATALOGUE_BASE}/product/${payload.product.id}`);
      return null;
    });
  }
  return (
    <form id="catalogue-create-product" aria-labelledby={headingId} onSubmit={submit}>
      <h2 id={headingId}>{t('catalogue.product.create')}</h2>
      <div className="columns">
        <div>
          <DetailFields />
        </div>
        <fieldset className="catalogue-first-sku">
          <legend>{t('catalogue.product.firstSku')}</legend>
          <Field
            label={t('catalogue.sku.code')}
            name="skuCode"
            required
            pattern={SKU_CODE_PATTERN}
            autoCapitalize="characters"
            autoComplete="off"
          />
          <Field label={t('catalogue.sku.name')} name="skuName" required maxLength={200} />
          <Field
            label={t('catalogue.sku.price', { currency: CURRENCY })}
            name="price"
            required
            inputMode="decimal"
            pattern={PRICE_PATTERN}
          />
        </fieldset>
      </div>
      <button type="submit" disabled={action.busy}>
        {t('catalogue.product.createButton')}
      </button>
      {action.message}
    </form>
  );
}

/** A product's details, active or not. */
export function EditDetails({ product }: { product: Product }) {
  const { t } = useTranslation();
  const [update] = useMutation(CatalogueUpdateProduct);
  const action = useAction();
  const headingId = useId();
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    void action.run(async () => {
      const input = { id: product.id, ...detailInput(form), active: new FormData(form).get('active') === 'on' };
      const { data } = await update({ variables: { input } });
      const payload = data!.updateProduct;
      if (!payload.product) return refusal(payload.userErrors);
      return { kind: 'info', text: t('catalogue.product.saved', { name: payload.product.name }) };
    });
  }
  return (
    <form id="catalogue-edit-product" aria-labelledby={headingId} onSubmit={submit}>
      <h2 id={headingId}>{t('catalogue.product.details')}</h2>
      <DetailFields product={product} />
      <div className="field">
        <label>
          <input type="checkbox" name="active" defaultChecked={product.active} /> {t('catalogue.product.active')}
        </label>
      </div>
      <button type="submit" disabled={action.busy}>
        {t('catalogue.product.save')}
      </button>
      {action.message}
    </form>
  );
}
