import { useMutation } from '@apollo/client/react';
import { useTranslation } from 'react-i18next';
import { ActionForm, refusal } from '../../../components/actions.tsx';
import { Field, formValue, TextAreaField } from '../../../components/forms.tsx';
import { formatMoney } from '../../../format.ts';
import type { CatalogueProductQuery } from '../../../gql/graphql.ts';
import { CatalogueSetSkuPartNumbers, CatalogueSetSkuPrice } from './operations.ts';
import { CURRENCY, PRICE_PATTERN } from './ProductDetails.tsx';

type Product = NonNullable<CatalogueProductQuery['product']>;
type Sku = Product['skus'][number];

/** Each SKU of the product: its price, and its part numbers (what search finds it by). */
export function SkuEditor({ product }: { product: Product }) {
  return (
    <>
      {product.skus.map((sku) => (
        <div className="columns catalogue-sku" key={sku.code} data-sku={sku.code}>
          <SkuPrice sku={sku} />
          <SkuPartNumbers sku={sku} />
        </div>
      ))}
    </>
  );
}

function SkuPrice({ sku }: { sku: Sku }) {
  const { t } = useTranslation();
  const [setPrice] = useMutation(CatalogueSetSkuPrice);
  return (
    <ActionForm
      title={t('catalogue.sku.heading', { code: sku.code, name: sku.name })}
      submitLabel={t('catalogue.sku.setPrice', { code: sku.code })}
      work={async (form) => {
        const input = { code: sku.code, price: { amount: formValue(form, 'price'), currencyCode: sku.price.currencyCode } };
        const payload = (await setPrice({ variables: { input } })).data!.setSkuPrice;
        if (!payload.sku) return refusal(payload.userErrors);
        return { kind: 'info', text: t('catalogue.sku.priceSet', { code: payload.sku.code, price: formatMoney(payload.sku.price) }) };
      }}
    >
      <p>{t('catalogue.sku.current', { price: formatMoney(sku.price) })}</p>
      <Field
        label={t('catalogue.sku.newPrice', { code: sku.code, currency: sku.price.currencyCode || CURRENCY })}
        name="price"
        required
        inputMode="decimal"
        pattern={PRICE_PATTERN}
        defaultValue={sku.price.amount}
      />
    </ActionForm>
  );
}

/** One per line: "OE number" lines, and "brand: number" lines for cross references. */
const splitLines = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);

function SkuPartNumbers({ sku }: { sku: Sku }) {
  const { t } = useTranslation();
  const [setPartNumbers] = useMutation(CatalogueSetSkuPartNumbers);
  return (
    <ActionForm
      heading="h3"
      title={t('catalogue.sku.partNumbers', { code: sku.code })}
      submitLabel={t('catalogue.sku.savePartNumbers', { code: sku.code })}
      work={async (form) => {
        const crossLines = splitLines(formValue(form, 'crossReferences'));
        const malformed = crossLines.find((line) => !/^[^:]+:.+$/.test(line));
        if (malformed) return { kind: 'error', text: t('catalogue.sku.crossMalformed', { line: malformed }) };
        const input = {
          skuCode: sku.code,
          manufacturerPartNumber: formValue(form, 'manufacturerPartNumber') || null,
          oeNumbers: splitLines(formValue(form, 'oeNumbers')),
          crossReferences: crossLines.map((line) => {
            const [brand = '', ...number] = line.split(':');
            return { brand: brand.trim(), number: number.join(':').trim() };
          }),
        };
        const payload = (await setPartNumbers({ variables: { input } })).data!.setSkuPartNumbers;
        if (!payload.sku) return refusal(payload.userErrors);
        return { kind: 'info', text: t('catalogue.sku.partNumbersSet', { code: payload.sku.code }) };
      }}
    >
      <Field
        label={t('catalogue.sku.manufacturerPartNumber')}
        name="manufacturerPartNumber"
        maxLength={40}
        defaultValue={sku.manufacturerPartNumber ?? ''}
      />
      <TextAreaField label={t('catalogue.sku.oeNumbers')} name="oeNumbers" defaultValue={sku.oeNumbers.join('\n')} />
      <TextAreaField
        label={t('catalogue.sku.crossReferences')}
        name="crossReferences"
        defaultValue={sku.crossReferences.map((reference) => `${reference.brand}: ${reference.number}`).join('\n')}
      />
    </ActionForm>
  );
}
