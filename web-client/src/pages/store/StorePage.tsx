import { useQuery } from '@apollo/client/react';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { Message } from '../../components/forms.tsx';
import type { StoreProductFragment } from '../../gql/graphql.ts';
import { type FacetChoice, FacetPanel } from './Facets.tsx';
import { StoreBrowse, StoreSearch } from './operations.ts';
import { ProductList } from './ProductList.tsx';
import { SearchForm, type SearchTerms } from './SearchForm.tsx';

/** Products a page: with their SKU tables this keeps a page of results within three screens, on a phone too. */
export const PAGE_SIZE = 5;

const PARAMS = ['query', 'make', 'model', 'year', 'brand', 'category', 'price'] as const;
type Params = Record<(typeof PARAMS)[number], string>;

interface Paging {
  after: string | null;
  page: number;
  /** A cursor to read the page after it; undefined to go back one page. */
  onPage: (cursor?: string | null) => void;
  onAdded: (code: string) => void;
}

/**
 * The shop: productSearch (docs/architecture.md §15) with the vehicle a part must fit, facets to narrow the result,
 * and pages by cursor; without words, the catalogue (or a vehicle's parts) page by page. The search lives in the
 * address (#/store?query=…), so the back button and a shared link show the same result; the cursors of the pages
 * read so far live in the page, for "Previous".
 */
export function StorePage() {
  const { t } = useTranslation();
  const [searchParams, setSearchParams] = useSearchParams();
  const params = Object.fromEntries(PARAMS.map((name) => [name, searchParams.get(name) ?? ''])) as Params;
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [added, setAdded] = useState<string | null>(null);

  function show(next: Params) {
    setCursors([null]);
    setAdded(null);
    setSearchParams(Object.fromEntries(Object.entries(next).filter(([, value]) => value !== '')));
  }

  const paging: Paging = {
    after: cursors.at(-1) ?? null,
    page: cursors.length,
    onPage: (cursor) => {
      setCursors((read) => (cursor === undefined ? read.slice(0, -1) : [...read, cursor]));
      window.scrollTo(0, 0);
    },
    onAdded: setAdded,
  };
  return (
    <>
      <h1>{t('store.title')}</h1>
      <SearchForm terms={params} onSearch={(terms: SearchTerms) => show({ ...params, ...terms, brand: '', category: '', price: '' })} />
      {added ? <Message>{t('store.added', { code: added })}</Message> : null}
      {params.query ? (
        <SearchResults params={params} paging={paging} onChoose={(choice) => show({ ...params, ...choice })} />
      ) : (
        <BrowseResults params={params} paging={paging} />
      )}
    </>
  );
}

function fitsVehicleOf(params: Params) {
  const year = Number.parseInt(params.year, 10);
  return params.make ? { make: params.make, model: params.model, ...(Number.isFinite(year) ? { year } : {}) } : undefined;
}

function SearchResults({ params, paging, onChoose }: { params: Params; paging: Paging; onChoose: (choice: FacetChoice) => void }) {
  const [min = '', max = ''] = params.price.split('..');
  const fitsVehicle = fitsVehicleOf(params);
  const { data, previousData, loading, error } = useQuery(StoreSearch, {
    variables: {
      query: params.query,
      filter: { fitsVehicle, brandId: params.brand || undefined, categoryId: params.category || undefined },
      price: params.price ? { min: min || undefined, max: max || undefined } : undefined,
      first: PAGE_SIZE,
      after: paging.after,
    },
  });
  // While the next page loads the last one stays, so the page does not jump.
  const result = (data ?? previousData)?.productSearch;
  return (
    <Results result={result} error={error} loading={loading} fitsVehicle={fitsVehicle} paging={paging} truncated={result?.truncated}>
      {result ? <FacetPanel facets={result.facets} chosen={params} onChoose={onChoose} /> : null}
    </Results>
  );
}

function BrowseResults({ params, paging }: { params: Params; paging: Paging }) {
  const fitsVehicle = fitsVehicleOf(params);
  const { data, previousData, loading, error } = useQuery(StoreBrowse, {
    variables: { filter: { fitsVehicle }, first: PAGE_SIZE, after: paging.after },
  });
  const result = (data ?? previousData)?.products;
  return <Results result={result} error={error} loading={loading} fitsVehicle={fitsVehicle} paging={paging} />;
}

function Results(props: {
  result?: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor?: string | null };
    edges: { node: StoreProductFragment }[];
  };
  error?: Error;
  loading: boolean;
  fitsVehicle?: { make: string; model: string };
  paging: Paging;
  truncated?: boolean;
  /** The facets, beside the list. */
  children?: ReactNode;
}) {
  const { t } = useTranslation();
  const { result, paging, fitsVehicle, loading } = props;
  if (props.error) return <Message kind="error">{t('failed', { message: props.error.message })}</Message>;
  if (!result) return <Message>{t('store.searching')}</Message>;
  const summary = fitsVehicle
    ? t('store.resultsFit', { count: result.totalCount, make: fitsVehicle.make, model: fitsVehicle.model })
    : t('store.results', { count: result.totalCount });
  return (
    <div className={props.children ? 'results' : undefined} aria-busy={loading}>
      {props.children}
      <div>
        <p className="muted" role="status">
          {loading ? t('store.searching') : summary}
        </p>
        {props.truncated ? <p className="muted">{t('store.truncated')}</p> : null}
        {result.edges.length === 0 ? <p>{t('store.noResults')}</p> : null}
        <ProductList products={result.edges.map((edge) => edge.node)} onAdded={paging.onAdded} />
        {paging.page > 1 || result.pageInfo.hasNextPage ? (
          <nav className="pager" aria-label={t('store.paging')}>
            <button type="button" disabled={paging.page <= 1 || loading} onClick={() => paging.onPage()}>
              {t('store.previous')}
            </button>
            <span>{t('store.pageOf', { page: paging.page })}</span>
            <button
              type="button"
              disabled={!result.pageInfo.hasNextPage || loading}
              onClick={() => paging.onPage(result.pageInfo.endCursor)}
            >
              {t('store.next')}
            </button>
          </nav>
        ) : null}
      </div>
    </div>
  );
}
