import { demoBrands, demoCategories, demoProducts } from '../demo/car-parts.ts';
import { between, pick, type Random } from './random.ts';
import { body, PRODUCT_SEARCH } from './workloads.ts';

/**
 * The long tail of catalogue pages a shop's visitors ask for: contract
 * ProductSearch with variable sets generated from the seed out of the demo
 * catalogue's own words, vehicles and categories, page sizes of 5 to 24, and
 * second and third pages (the `after` cursor of the page before, as a visitor
 * paging on would send it). Each set is asked once through our router while
 * the set is built; its answer is the reference, and its `endCursor` what the
 * next page is asked with.
 */
export type SearchPage = { body: string; expectedData: string; products: number };
export type SearchSet = { pages: SearchPage[]; empty: number; secondPages: number; thirdPages: number };

type Variables = {
  search?: string;
  fits?: { make: string; model: string; year?: number };
  categoryId?: string;
  first: number;
  after?: string;
};
type PageData = { products: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: unknown[] } };

/** At most this share of the set answers no product: a few empty searches are realistic, a set of them is not. */
const MAX_EMPTY_SHARE = 0.05;
/** How often a page with more behind it is followed by the next page, and that by a third. */
const NEXT_PAGE_CHANCE = 0.35;

const wordsOf = (text: string) =>
  text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length >= 3);
const STOP_WORDS = new Set(['for', 'and', 'the', 'with']);
/** Single search words: from product names, brands and categories. */
const WORDS = [
  ...new Set([
    ...demoProducts.flatMap((p) => wordsOf(p.name)),
    ...demoBrands.flatMap((b) => wordsOf(b.name)),
    ...demoCategories.flatMap((c) => wordsOf(c.name)),
  ]),
].filter((word) => !STOP_WORDS.has(word));
/** Vehicles some product fits, with the years they fit. */
const VEHICLES = [
  ...new Map(demoProducts.flatMap((p) => p.fitments).map((f) => [`${f.make}|${f.model}|${f.yearFrom}|${f.yearTo}`, f])).values(),
];

/** Two words of one product's name, so the pair usually finds something. */
function wordPair(random: Random): string {
  const words = wordsOf(pick(random, demoProducts).name).filter((word) => !STOP_WORDS.has(word));
  const first = pick(random, words);
  const second = pick(random, words);
  return first === second ? first : `${first} ${second}`;
}

function vehicle(random: Random): NonNullable<Variables['fits']> {
  const fitment = pick(random, VEHICLES);
  const shape = random();
  // Any year, a year it fits, or one just outside (which finds less, or nothing).
  if (shape < 0.3) return { make: fitment.make, model: fitment.model };
  return { make: fitment.make, model: fitment.model, year: between(random, fitment.yearFrom - 1, fitment.yearTo + 1) };
}

/** One first-page variable set; which filters it holds is itself drawn. */
function firstPage(random: Random, categoryIds: string[]): Variables {
  const variables: Variables = { first: between(random, 5, 24) };
  const shape = between(random, 0, 7);
  if (shape === 0 || shape === 3 || shape === 5) variables.search = random() < 0.5 ? pick(random, WORDS) : wordPair(random);
  if (shape === 1 || shape === 3 || shape === 6) variables.fits = vehicle(random);
  if (shape === 2 || shape === 5 || shape === 6) variables.categoryId = pick(random, categoryIds);
  if (shape === 4) variables.search = pick(random, demoBrands).name.toLowerCase();
  // shape 7: the unfiltered catalogue, page size only.
  return variables;
}

/**
 * At least `size` distinct variable sets (deduplicated), drawn from `random`,
 * each with its reference answer from `ask` (our router, before any load).
 */
export async function productSearchSet(
  random: Random,
  size: number,
  categoryIds: string[],
  ask: (variables: Record<string, unknown>) => Promise<unknown>,
): Promise<SearchSet> {
  const set: SearchSet = { pages: [], empty: 0, secondPages: 0, thirdPages: 0 };
  const seen = new Set<string>();
  const add = async (variables: Variables): Promise<PageData | null> => {
    const text = body(PRODUCT_SEARCH, variables);
    if (seen.has(text)) return null;
    seen.add(text);
    const data = (await ask(variables)) as PageData;
    const products = data.products.edges.length;
    if (products === 0) {
      if (set.empty + 1 > MAX_EMPTY_SHARE * size) return null;
      set.empty++;
    }
    set.pages.push({ body: text, expectedData: JSON.stringify(data), products });
    return data;
  };
  for (let attempts = 0; set.pages.length < size; attempts++) {
    if (attempts > size * 20) throw new Error(`only ${set.pages.length} distinct catalogue pages after ${attempts} attempts`);
    const variables = firstPage(random, categoryIds);
    let data = await add(variables);
    // Paging on, as a visitor does now and then: the next page after the one just read.
    for (let page = 2; page <= 3 && data?.products.pageInfo.hasNextPage && random() < NEXT_PAGE_CHANCE; page++) {
      data = await add({ ...variables, after: data.products.pageInfo.endCursor! });
      if (data && page === 2) set.secondPages++;
      if (data && page === 3) set.thirdPages++;
    }
  }
  return set;
}
