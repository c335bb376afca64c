import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { StoreSearchQuery } from '../../gql/graphql.ts';

type Facets = StoreSearchQuery['productSearch']['facets'];

export interface FacetChoice {
  brand: string;
  category: string;
  price: string;
}

const WIDE = window.matchMedia('(min-width: 48rem)');

/** A price range facet as the address keeps it: "min..max", either side empty when unbounded. */
export const priceKey = (range: { min?: string | null; max?: string | null }) => `${range.min ?? ''}..${range.max ?? ''}`;

/** The result's facets, each a group of radio buttons with its count; choosing one narrows the search. */
export function FacetPanel({ facets, chosen, onChoose }: { facets: Facets; chosen: FacetChoice; onChoose: (choice: FacetChoice) => void }) {
  const { t } = useTranslation();
  const anyChosen = chosen.brand || chosen.category || chosen.price;
  return (
    <aside className="facets" aria-label={t('store.facets')}>
      {/* Open beside the results; folded above them on a phone, where it would fill the first screen. */}
      <details open={WIDE.matches}>
        <summary>{t('store.facets')}</summary>
        <FacetGroup
          legend={t('store.brand')}
          value={chosen.brand}
          values={facets.brands.map(({ brand, count }) => ({ value: brand.id, name: brand.name, count }))}
          onChange={(brand) => onChoose({ ...chosen, brand })}
        />
        <FacetGroup
          legend={t('store.category')}
          value={chosen.category}
          values={facets.categories.map(({ category, count }) => ({ value: category.id, name: category.name, count }))}
          onChange={(category) => onChoose({ ...chosen, category })}
        />
        <FacetGroup
          legend={t('store.price')}
          value={chosen.price}
          values={facets.priceRanges.map((range) => ({ value: priceKey(range), name: range.label, count: range.count }))}
          onChange={(price) => onChoose({ ...chosen, price })}
        />
        <p className="muted">
          {t('store.availability')}: {t('store.facetValue', { name: t('store.inStock'), count: facets.inStock.inStock })},{' '}
          {t('store.facetValue', { name: t('store.outOfStock'), count: facets.inStock.outOfStock })}
        </p>
        {anyChosen ? (
          <button type="button" className="link" onClick={() => onChoose({ brand: '', category: '', price: '' })}>
            {t('store.clearFilters')}
          </button>
        ) : null}
      </details>
    </aside>
  );
}

function FacetGroup(props: {
  legend: string;
  value: string;
  values: { value: string; name: string; count: number }[];
  onChange: (value: string) => void;
}) {
  const { t } = useTranslation();
  const name = useId();
  if (props.values.length === 0 && !props.value) return null;
  // A value no product of the result has narrows to nothing: not offered, unless it is the one chosen.
  const offered = props.values.filter((option) => option.count > 0 || option.value === props.value);
  const options = [{ value: '', name: t('store.anyValue'), count: null as number | null }, ...offered];
  return (
    <fieldset>
      <legend>{props.legend}</legend>
      {options.map((option) => (
        <label key={option.value || 'any'} className="choice">
          <input
            type="radio"
            name={name}
            value={option.value}
            checked={props.value === option.value}
            onChange={() => props.onChange(option.value)}
          />{' '}
          {option.count === null ? option.name : t('store.facetValue', { name: option.name, count: option.count })}
        </label>
      ))}
    </fieldset>
  );
}
