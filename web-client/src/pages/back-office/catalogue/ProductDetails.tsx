import { useMutation } from '@apollo/client/react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { ActionForm, refusal, SelectField } from '../../../components/actions.tsx';
import { CheckField, Field, formValue, Message, TextAreaField } from '../../../components/forms.tsx';
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
  if (options.error) return <Message kind="error">{t('failed', { message: options.error.message })}</Message>;
  if (!options.loaded) return <Message>{t('loading')}</Message>;
  return (
    <>
      <Field label={t('catalogue.product.name')} name="name" required maxLength={200} defaultValue={product?.name} />
      <TextAreaField
        label={t('catalogue.product.description')}
        name="description"
        maxLength={4000}
        defaultValue={product?.description ?? ''}
      />
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
  return (
    <ActionForm
      id="catalogue-create-product"
      title={t('catalogue.product.create')}
      submitLabel={t('catalogue.product.createButton')}
      work={async (form) => {
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
        const payload = (await create({ variables: { input } })).data!.createProduct;
        if (!payload.product) return refusal(payload.userErrors);
        void navigate(`${CATALOGUE_BASE}/product/${payload.product.id}`);
        return null;
      }}
    >
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
    </ActionForm>
  );
}

/** A product's details, active or not. */
export function EditDetails({ product }: { product: Product }) {
  const { t } = useTranslation();
  const [update] = useMutation(CatalogueUpdateProduct);
  return (
    <ActionForm
      id="catalogue-edit-product"
      title={t('catalogue.product.details')}
      submitLabel={t('catalogue.product.save')}
      work={async (form) => {
        const input = { id: product.id, ...detailInput(form), active: new FormData(form).get('active') === 'on' };
        const payload = (await update({ variables: { input } })).data!.updateProduct;
        if (!payload.product) return refusal(payload.userErrors);
        return { kind: 'info', text: t('catalogue.product.saved', { name: payload.product.name }) };
      }}
    >
      <DetailFields product={product} />
      <CheckField label={t('catalogue.product.active')} name="active" defaultChecked={product.active} />
    </ActionForm>
  );
}
