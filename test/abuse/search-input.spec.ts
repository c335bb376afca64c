import { expectWellBehavedQueryAnswered } from '../support/abuse.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

/**
 * Hostile search input (issue 23, D1): every bound of productSearch and
 * searchSuggestions has its own refusal reason; query syntax of any search
 * engine or SQL is only ever words to look up; staff search inputs past their
 * bounds are user errors that store nothing; and no one without the scope can
 * change synonyms or part numbers.
 */
const SEARCH = `query ($query: String!, $first: Int, $facetLimit: Int, $price: PriceRangeInput) {
  productSearch(query: $query, first: $first, facetLimit: $facetLimit, price: $price) { totalCount edges { node { name } } }
}`;
const SUGGEST = 'query ($prefix: String!, $first: Int) { searchSuggestions(prefix: $prefix, first: $first) { text } }';
const SAVE_SYNONYMS = `mutation ($input: SaveSearchSynonymsInput!) {
  saveSearchSynonyms(input: $input) { synonyms { id } userErrors { code field } }
}`;
const SET_PART_NUMBERS = `mutation ($input: SetSkuPartNumbersInput!) {
  setSkuPartNumbers(input: $input) { sku { code } userErrors { code field } }
}`;

type ErrorBody = { errors?: { message: string; extensions?: { code?: string; reason?: string; field?: string } }[] };

describe('hostile search input', () => {
  let system: TestSystem;
  let staff: string;
  beforeAll(async () => {
    system = await startTestSystem({ label: 'SQLite', mysqlUrl: undefined }, { SEED_DEMO_DATA: 'true' });
    staff = await system.staffToken(['catalogue:write', 'catalogue:read']);
  });
  afterAll(async () => {
    await system?.close();
  });

  const storedRows = async (table: string) => {
    const server = system.system.subgraphs.find((candidate) => candidate.name === 'catalogue')!;
    const [row] = await server.db.execute<{ n: number }>(server.db.fork(), `select count(*) as n from ${table}`);
    return Number(row!.n);
  };

  const refusal = async (query: string, variables: Record<string, unknown>) => {
    const { status, body } = await system.graphql(query, variables);
    expect(status).toBe(200);
    const error = (body as ErrorBody).errors?.[0];
    expect(error?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(error!.message.length).toBeLessThan(300);
    return error?.extensions?.reason;
  };

  it.each([
    ['a term over 200 characters', { query: 'brake '.repeat(40) }, 'SEARCH_TERM_TOO_LONG'],
    ['a megabyte term', { query: 'x'.repeat(1_000_000) }, 'SEARCH_TERM_TOO_LONG'],
    ['more than 12 words', { query: Array.from({ length: 13 }, (_, i) => `w${i}`).join(' ') }, 'SEARCH_TERM_TOO_MANY_WORDS'],
    ['a term of punctuation only', { query: '"*" -- ; %_' }, 'SEARCH_TERM_EMPTY'],
    ['a facet limit over 50', { query: 'brake', facetLimit: 51 }, 'FACET_LIMIT_OUT_OF_RANGE'],
    ['a facet limit of 0', { query: 'brake', facetLimit: 0 }, 'FACET_LIMIT_OUT_OF_RANGE'],
    ['a page over 100', { query: 'brake', first: 101 }, 'PAGE_SIZE_OUT_OF_RANGE'],
    ['a negative page', { query: 'brake', first: -1 }, 'PAGE_SIZE_OUT_OF_RANGE'],
    ['a negative price', { query: 'brake', price: { min: '-1' } }, 'PRICE_RANGE_INVALID'],
    ['a price past any amount', { query: 'brake', price: { max: '1'.repeat(40) } }, 'PRICE_RANGE_INVALID'],
  ])('refuses %s with its own reason', async (_, variables, reason) => {
    expect(await refusal(SEARCH, variables)).toBe(reason);
    await expectWellBehavedQueryAnswered(system);
  });

  it('refuses autocomplete past its bounds', async () => {
    expect(await refusal(SUGGEST, { prefix: 'b'.repeat(201) })).toBe('SEARCH_TERM_TOO_LONG');
    expect(await refusal(SUGGEST, { prefix: 'brak', first: 21 })).toBe('SUGGESTION_LIMIT_OUT_OF_RANGE');
  });

  // The subgraphs compile each operation into JavaScript (platform/graphql/compiled-operations.ts), and
  // a literal in the client's text reaches them as a literal: it must stay a value, never become code.
  it('answers literals that look like JavaScript as the same search sent as a variable', async () => {
    const page = (search: string) => `products(filter: { search: ${search} }, first: 3) { totalCount edges { node { name } } }`;
    const found: number[] = [];
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a placeholder that must stay text is the case
    for (const search of ['"); process.exit(7); ("', "`${process.exit(7)}` */ ' \\", '\u2028brake\u2029 pad']) {
      const viaLiteral = await system.graphql(`{ ${page(JSON.stringify(search))} }`, {});
      const viaVariable = await system.graphql(`query ($search: String) { ${page('$search')} }`, { search });
      expect(viaLiteral.status).toBe(200);
      expect((viaLiteral.body as ErrorBody).errors).toBeUndefined();
      expect(viaLiteral.body).toEqual(viaVariable.body);
      found.push((viaLiteral.body as { data: { products: { totalCount: number } } }).data.products.totalCount);
    }
    expect(found[2]).toBeGreaterThan(0); // the last one is a real search, so equal answers are not both empty
    await expectWellBehavedQueryAnswered(system);
  });

  it('reads FTS, boolean-mode and SQL syntax as words, changing nothing', async () => {
    const products = await storedRows('product');
    for (const query of [
      '"brake" OR pad* NEAR(disc, 2) ^name:x',
      "brake'; drop table product; --",
      '+brake -pad >disc <rotor ~x (y)',
      'brake%_ pad%',
    ]) {
      const { status, body } = await system.graphql(SEARCH, { query });
      expect(status).toBe(200);
      expect((body as ErrorBody).errors).toBeUndefined();
    }
    // A wildcard typed is not a wildcard: "%" alone would match every product.
    const { body } = await system.graphql<{ productSearch: { totalCount: number } }>(SEARCH, { query: 'zq%' });
    expect(body.data?.productSearch.totalCount).toBe(0);
    expect(await storedRows('product')).toBe(products);
  });

  it('lets no one without catalogue:write change synonyms or part numbers', async () => {
    const synonyms = await storedRows('search_synonym');
    const parts = await storedRows('sku_part_number');
    const memberToken = await system.memberToken('member-1');
    for (const token of [undefined, memberToken]) {
      const saved = await system.graphql(SAVE_SYNONYMS, { input: { phrases: ['a pad', 'b pad'] } }, token);
      expect((saved.body as ErrorBody).errors?.[0]?.extensions?.code).toMatch(/UNAUTHENTICATED|FORBIDDEN/);
      const set = await system.graphql(SET_PART_NUMBERS, { input: { skuCode: 'BP-TOY-COR-F', oeNumbers: ['1'] } }, token);
      expect((set.body as ErrorBody).errors?.[0]?.extensions?.code).toMatch(/UNAUTHENTICATED|FORBIDDEN/);
    }
    expect(await storedRows('search_synonym')).toBe(synonyms);
    expect(await storedRows('sku_part_number')).toBe(parts);
  });

  it('answers staff inputs past their bounds with user errors and stores nothing', async () => {
    const synonyms = await storedRows('search_synonym');
    const parts = await storedRows('sku_part_number');
    const cases: [string, Record<string, unknown>][] = [
      [SAVE_SYNONYMS, { input: { phrases: Array.from({ length: 11 }, (_, i) => `phrase ${i}`) } }],
      [SAVE_SYNONYMS, { input: { phrases: ['pads', 'p'.repeat(61)] } }],
      [SAVE_SYNONYMS, { input: { phrases: ['pads', '---'] } }],
      [SAVE_SYNONYMS, { input: { phrases: ['pads', 'brake pads'], id: 'no-such-group' } }],
      [SET_PART_NUMBERS, { input: { skuCode: 'BP-TOY-COR-F', oeNumbers: Array.from({ length: 50 }, (_, i) => `OE-${i}`) } }],
      [SET_PART_NUMBERS, { input: { skuCode: 'BP-TOY-COR-F', oeNumbers: ['1'.repeat(41)] } }],
      [SET_PART_NUMBERS, { input: { skuCode: 'BP-TOY-COR-F', oeNumbers: ['- -'] } }],
      [SET_PART_NUMBERS, { input: { skuCode: 'NO-SUCH-SKU', oeNumbers: ['123'] } }],
    ];
    for (const [mutation, variables] of cases) {
      const { body } = await system.graphql<Record<string, { userErrors: { code: string }[] }>>(mutation, variables, staff);
      expect(body.errors).toBeUndefined();
      const payload = Object.values(body.data!)[0]!;
      expect(payload.userErrors.length).toBeGreaterThan(0);
    }
    expect(await storedRows('search_synonym')).toBe(synonyms);
    expect(await storedRows('sku_part_number')).toBe(parts);
  });
});
