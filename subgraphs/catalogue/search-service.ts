import { hasScope } from '../../platform/auth/identity.ts';
import { forbidden, refusedInput } from '../../platform/graphql/errors.ts';
import { decodeCursor, encodeCursor, pageSize } from '../../platform/graphql/pagination.ts';
import type { CatalogueContext } from './context.ts';
import type { Product } from './entities/product.entity.ts';
import type { ProductFilter } from './product-search.ts';
import { type PriceRange, productFacets } from './search-facets.ts';
import { synonymGroups } from './search-index-repository.ts';
import { buildPlan, relevance, typoLengths } from './search-plan.ts';
import { type Candidate, matchingProducts, tokenHits, wordsOfLength, wordsStartingWith } from './search-query-repository.ts';
import { textTokens } from './search-tokens.ts';

/**
 * Catalogue search (docs/architecture.md §15): the database's
 * token index finds every product the query matches (with the filter), this
 * scores and orders them, pages them, and counts facets on the same set, so a
 * facet's count is what filtering by it would return. Each bound below has
 * its own refusal reason.
 */
export const SEARCH_LIMITS = {
  /** Characters in a search term or autocomplete prefix. */
  termLength: 200,
  /** Words (and CJK bigrams) a term may hold. */
  words: 12,
  /** Products a search ranks and counts facets on; past it the result says `truncated`. */
  matches: 2000,
  /** Values per facet. */
  facetValues: 50,
  suggestions: 20,
  /** Synonym groups a search expands with (merchandisers keep tens, not thousands). */
  synonymGroups: 500,
  /** Indexed words of one length read for typo correction. */
  vocabulary: 20000,
} as const;

export type ProductSearchSort = 'RELEVANCE' | 'NAME' | 'NEWEST';
export type ProductSearchArgs = {
  query: string;
  filter?: ProductFilter | null;
  sort?: ProductSearchSort | null;
  first?: number | null;
  after?: string | null;
  facetLimit?: number | null;
  price?: { min?: string | null; max?: string | null } | null;
};
export type ProductSearchResult = {
  totalCount: number;
  truncated: boolean;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { cursor: string; score: number; node: Product }[];
  facets: {
    resultKey: string;
    productIds: string[];
    brands: { brandId: string; count: number }[];
    categories: { categoryId: string; count: number }[];
    priceRanges: (PriceRange & { count: number })[];
    vehicles: { make: string; model: string; count: number }[];
  };
};

/** The checked words of a term; refuses an empty, overlong or too-wordy one. */
function checkedTerm(term: string, field: string): string[] {
  if (term.length > SEARCH_LIMITS.termLength) {
    throw refusedInput(
      'SEARCH_TERM_TOO_LONG',
      `${field} may hold at most ${SEARCH_LIMITS.termLength} characters; received ${term.length}`,
      field,
    );
  }
  const words = textTokens(term);
  if (words.length === 0) throw refusedInput('SEARCH_TERM_EMPTY', `${field} holds no letter or digit`, field);
  if (words.length > SEARCH_LIMITS.words) {
    throw refusedInput(
      'SEARCH_TERM_TOO_MANY_WORDS',
      `${field} may hold at most ${SEARCH_LIMITS.words} words; received ${words.length}`,
      field,
    );
  }
  return words;
}

function checkedFacetLimit(limit: number | null | undefined): number {
  const value = limit ?? 20;
  if (!Number.isInteger(value) || value < 1 || value > SEARCH_LIMITS.facetValues) {
    throw refusedInput('FACET_LIMIT_OUT_OF_RANGE', `facetLimit must be 1 to ${SEARCH_LIMITS.facetValues}; received ${value}`, 'facetLimit');
  }
  return value;
}

function checkedPageSize(first: number | null | undefined): number {
  if (first !== null && first !== undefined && (first < 0 || first > 100)) {
    throw refusedInput('PAGE_SIZE_OUT_OF_RANGE', `first must be 0 to 100; received ${first}`, 'first');
  }
  return pageSize(first);
}

/** A price bound in minor units; the Decimal scalar has checked the form, this the range. */
function priceBound(value: string | null | undefined, field: string): number | null {
  if (value === null || value === undefined) return null;
  if (!/^\d{1,10}(\.\d{1,2})?$/.test(value)) {
    throw refusedInput(
      'PRICE_RANGE_INVALID',
      `${field} must be an amount from 0 with at most two decimals; received ${value.slice(0, 20)}`,
      field,
    );
  }
  return Math.round(Number(value) * 100);
}

type Ranked = Candidate & { score: number };
const NO_FACETS: ProductSearchResult['facets'] = {
  resultKey: '',
  productIds: [],
  brands: [],
  categories: [],
  priceRanges: [],
  vehicles: [],
};
const sortKey = (sort: ProductSearchSort, row: Ranked): (string | number)[] =>
  sort === 'RELEVANCE' ? [row.score, row.name, row.id] : sort === 'NAME' ? [row.name, row.id] : [row.id];
const CURSOR_SHAPES = { RELEVANCE: ['number', 'string', 'string'], NAME: ['string', 'string'], NEWEST: ['string'] } as const;

/** Code-point order (the same on every engine and locale), so both databases page identically. */
const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
function compareKeys(sort: ProductSearchSort, a: readonly (string | number)[], b: readonly (string | number)[]): number {
  if (sort === 'RELEVANCE') {
    return (
      (b[0] as number) - (a[0] as number) || compareText(a[1] as string, b[1] as string) || compareText(a[2] as string, b[2] as string)
    );
  }
  if (sort === 'NAME') return compareText(a[0] as string, b[0] as string) || compareText(a[1] as string, b[1] as string);
  return compareText(b[0] as string, a[0] as string);
}

export async function searchProducts(
  ctx: CatalogueContext,
  args: ProductSearchArgs,
  wants: { facets: boolean } = { facets: true },
): Promise<ProductSearchResult> {
  const words = checkedTerm(args.query, 'query');
  priceBound(args.price?.min, 'price.min');
  priceBound(args.price?.max, 'price.max');
  const facetLimit = checkedFacetLimit(args.facetLimit);
  const size = checkedPageSize(args.first);
  const sort = args.sort ?? 'RELEVANCE';
  const after = args.after ? decodeCursor(args.after, CURSOR_SHAPES[sort]) : null;
  const filter = args.filter ?? {};
  if (filter.includeInactive && !hasScope(ctx.identity, 'catalogue:read') && !hasScope(ctx.identity, 'catalogue:write')) {
    throw forbidden('filter.includeInactive requires the scope catalogue:read or catalogue:write');
  }

  const vocabulary = new Map<number, string[]>();
  for (const length of typoLengths(words)) vocabulary.set(length, await wordsOfLength(ctx.db, ctx.em, length, SEARCH_LIMITS.vocabulary));
  const synonyms = (await synonymGroups(ctx.db, ctx.em, SEARCH_LIMITS.synonymGroups)).map((group) => group.phrases);
  const plan = buildPlan(args.query, synonyms, vocabulary);

  const vehicle = filter.fitsVehicle;
  const where = {
    includeInactive: Boolean(filter.includeInactive),
    words: [],
    brandId: filter.brandId ?? null,
    categoryId: filter.categoryId ?? null,
    fitsVehicle: vehicle
      ? { make: vehicle.make.trim().toLowerCase(), model: vehicle.model.trim().toLowerCase(), year: vehicle.year ?? null }
      : null,
  };
  const found = await matchingProducts(ctx.db, ctx.em, plan, where, SEARCH_LIMITS.matches + 1);
  const truncated = found.length > SEARCH_LIMITS.matches;
  const [minPrice, maxPrice] = [priceBound(args.price?.min, 'price.min'), priceBound(args.price?.max, 'price.max')];
  // The same bounds as the price facets (min inclusive, max exclusive), on the cheapest SKU.
  const candidates = found
    .slice(0, SEARCH_LIMITS.matches)
    .filter(
      (c) =>
        (minPrice === null || (c.minPriceMinor !== null && c.minPriceMinor >= minPrice)) &&
        (maxPrice === null || (c.minPriceMinor !== null && c.minPriceMinor < maxPrice)),
    );
  const scores = relevance(
    plan,
    await tokenHits(
      ctx.db,
      ctx.em,
      candidates.map((c) => c.id),
      plan,
    ),
  );
  const ranked: Ranked[] = candidates.map((candidate) => ({ ...candidate, score: scores.get(candidate.id) ?? 0 }));
  ranked.sort((a, b) => compareKeys(sort, sortKey(sort, a), sortKey(sort, b)));

  const rest = after ? ranked.filter((row) => compareKeys(sort, sortKey(sort, row), after) > 0) : ranked;
  const page = rest.slice(0, size);
  const products = await ctx.loaders.productById.loadMany(page.map((row) => row.id));
  const edges = page.map((row, i) => ({ cursor: encodeCursor(sortKey(sort, row)), score: row.score, node: products[i] as Product }));
  return {
    totalCount: ranked.length,
    truncated,
    pageInfo: { hasNextPage: rest.length > size, endCursor: edges.at(-1)?.cursor ?? null },
    edges,
    facets: wants.facets ? await productFacets(ctx, ranked, facetLimit, encodeCursor([args.query, sort])) : NO_FACETS,
  };
}

export type Suggestion = { text: string; kind: 'WORD' | 'PRODUCT'; productId: string | null };

/** Autocomplete: indexed words that start with the last word typed, then the best products for the whole prefix. */
export async function searchSuggestions(ctx: CatalogueContext, prefix: string, first: number | null | undefined): Promise<Suggestion[]> {
  const words = checkedTerm(prefix, 'prefix');
  const limit = first ?? 8;
  if (!Number.isInteger(limit) || limit < 1 || limit > SEARCH_LIMITS.suggestions) {
    throw refusedInput('SUGGESTION_LIMIT_OUT_OF_RANGE', `first must be 1 to ${SEARCH_LIMITS.suggestions}; received ${limit}`, 'first');
  }
  const last = words.at(-1)!;
  const lead = words.slice(0, -1).join(' ');
  const terms = await wordsStartingWith(ctx.db, ctx.em, last, limit);
  const products = await searchProducts(ctx, { query: prefix, first: Math.min(limit, 5) }, { facets: false });
  return [
    ...terms.map((term) => ({ text: lead ? `${lead} ${term.word}` : term.word, kind: 'WORD' as const, productId: null })),
    ...products.edges.map((edge) => ({ text: edge.node.name, kind: 'PRODUCT' as const, productId: edge.node.id })),
  ].slice(0, limit);
}
