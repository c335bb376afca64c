import { useQuery } from '@apollo/client/react';
import { type FormEvent, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { StoreSuggestions, StoreVehicles } from './operations.ts';

export interface SearchTerms {
  query: string;
  make: string;
  model: string;
  year: string;
}

/** Suggestions are asked for once the shopper pauses this long, so typing a word costs one request, not one a key. */
const SUGGEST_AFTER_MS = 250;

/** The search box (with autocomplete from searchSuggestions), the vehicle it must fit and its model year. */
export function SearchForm({ terms, onSearch }: { terms: SearchTerms; onSearch: (terms: SearchTerms) => void }) {
  const { t } = useTranslation();
  const ids = { query: useId(), vehicle: useId(), year: useId(), suggestions: useId() };
  const [query, setQuery] = useState(terms.query);
  const [vehicle, setVehicle] = useState(terms.make ? JSON.stringify([terms.make, terms.model]) : '');
  const [year, setYear] = useState(terms.year);
  const prefix = useDebounced(query.trim(), SUGGEST_AFTER_MS);
  const vehicles = useQuery(StoreVehicles);
  // Under two characters a prefix matches too much to help.
  const suggestions = useQuery(StoreSuggestions, { variables: { prefix }, skip: prefix.length < 2 || prefix.length > 200 });

  // A new search in the address (the back button, a link) shows in the form.
  useEffect(() => {
    setQuery(terms.query);
    setVehicle(terms.make ? JSON.stringify([terms.make, terms.model]) : '');
    setYear(terms.year);
  }, [terms.query, terms.make, terms.model, terms.year]);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const [make = '', model = ''] = vehicle ? (JSON.parse(vehicle) as string[]) : [];
    onSearch({ query: query.trim(), make, model, year: make ? year.trim() : '' });
  }

  return (
    <search>
      <form className="search" onSubmit={submit}>
        <div className="field">
          <label htmlFor={ids.query}>{t('store.search')}</label>
          <input
            id={ids.query}
            type="search"
            name="query"
            maxLength={200}
            placeholder={t('store.searchPlaceholder')}
            list={ids.suggestions}
            autoComplete="off"
            value={query}
            onChange={(event) => setQuery(event.target.value)}
          />
          <datalist id={ids.suggestions}>
            {(suggestions.data?.searchSuggestions ?? []).map((suggestion) => (
              <option key={`${suggestion.kind}:${suggestion.text}`} value={suggestion.text} />
            ))}
          </datalist>
        </div>
        <div className="field">
          <label htmlFor={ids.vehicle}>{t('store.vehicle')}</label>
          <select id={ids.vehicle} name="vehicle" value={vehicle} onChange={(event) => setVehicle(event.target.value)}>
            <option value="">{t('store.anyVehicle')}</option>
            {(vehicles.data?.vehicles ?? []).map((option) => (
              <option key={`${option.make}/${option.model}`} value={JSON.stringify([option.make, option.model])}>
                {t('store.vehicleOption', { make: option.make, model: option.model, from: option.yearFrom, to: option.yearTo })}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.year}>{t('store.year')}</label>
          <input
            id={ids.year}
            name="year"
            type="number"
            min={1950}
            max={2100}
            inputMode="numeric"
            disabled={!vehicle}
            value={year}
            onChange={(event) => setYear(event.target.value)}
          />
        </div>
        <button type="submit">{t('store.submit')}</button>
      </form>
    </search>
  );
}

function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}
