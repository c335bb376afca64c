import { useMutation } from '@apollo/client/react';
import { type FormEvent, useId } from 'react';
import { useTranslation } from 'react-i18next';
import { refusal, useAction } from '../../../components/actions.tsx';
import { Field, formValue } from '../../../components/forms.tsx';
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
  const action = useAction();
  const headingId = useId();
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    void action.run(async () => {
      const input = { code: sku.code, price: { amount: formValue(form, 'price'), currencyCode: sku.price.currencyCode } };
      const { data } = await setPrice({ variables: { input } });
      const payload = data!.setSkuPrice;
      if (!payload.sku) return refusal(payload.userErrors);
      return { kind: 'info', text: t('catalogue.sku.priceSet', { code: payload.sku.code, price: formatMoney(payload.sku.price) }) };
    });
  }
  return (
    <form aria-labelledby={headingId} onSubmit={submit}>
      <h2 id={headingId}>{t('catalogue.sku.heading', { code: sku.code, name: sku.name })}</h2>
      <p>{t('catalogue.sku.current', { price: formatMoney(sku.price) })}</p>
      <Field
        label={t('catalogue.sku.newPrice', { code: sku.code, currency: sku.price.currencyCode || CURRENCY })}
        name="price"
        required
        inputMode="decimal"
        pattern={PRICE_PATTERN}
        defaultValue={sku.price.amount}
      />
      <button type="submit" disabled={action.busy}>
        {t('catalogue.sku.setPrice', { code: sku.code })}
      </button>
      {action.message}
    </form>
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
  const action = useAction();
  const headingId = useId();
  const oeId = useId();
  const crossId = useId();
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const crossLines = splitLines(formValue(form, 'crossReferences'));
    const malformed = crossLines.find((line) => !/^[^:]+:.+$/.test(line));
    if (malformed) {
      action.show({ kind: 'error', text: t('catalogue.sku.crossMalformed', { line: malformed }) });
      return;
    }
    void action.run(async () => {
      const input = {
        skuCode: sku.code,
        manufacturerPartNumber: formValue(form, 'manufacturerPartNumber') || null,
        oeNumbers: splitLines(formValue(form, 'oeNumbers')),
        crossReferences: crossLines.map((line) => {
          const [brand = '', ...number] = line.split(':');
          return { brand: brand.trim(), number: number.join(':').trim() };
        }),
      };
      const { data } = await setPartNumbers({ variables: { input } });
      const payload = data!.setSkuPartNumbers;
      if (!payload.sku) return refusal(payload.userErrors);
      return { kind: 'info', text: t('catalogue.sku.partNumbersSet', { code: payload.sku.code }) };
    });
  }
  return (
    <form aria-labelledby={headingId} onSubmit={submit}>
      <h3 id={headingId}>{t('catalogue.sku.partNumbers', { code: sku.code })}</h3>
      <Field
        label={t('catalogue.sku.manufacturerPartNumber')}
        name="manufacturerPartNumber"
        maxLength={40}
        defaultValue={sku.manufacturerPartNumber ?? ''}
      />
      <div className="field">
        <label htmlFor={oeId}>{t('catalogue.sku.oeNumbers')}</label>
        <textarea id={oeId} name="oeNumbers" rows={3} defaultValue={sku.oeNumbers.join('\n')} />
      </div>
      <div className="field">
        <label htmlFor={crossId}>{t('catalogue.sku.crossReferences')}</label>
        <textarea
          id={crossId}
          name="crossReferences"
          rows={3}
          defaultValue={sku.crossReferences.map((reference) => `${reference.brand}: ${reference.number}`).join('\n')}
        />
      </div>
      <button type="submit" disabled={action.busy}>
        {t('catalogue.sku.savePartNumbers', { code: sku.code })}
      </button>
      {action.message}
    </form>
  );
}
