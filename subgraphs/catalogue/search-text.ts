/**
 * Text search that behaves the same on SQLite and MySQL: every product keeps a
 * lower-cased digest of what a shopper might type, and a search matches when
 * each of its words occurs in the digest (`like '%word%'`). Good for catalogues
 * of tens of thousands of products; a full-text engine is the step after.
 *
 * The digest is the distinct runs of letters and digits of that text, one
 * space apart. A search word holds letters and digits only, so it occurs in
 * the whole text exactly when it occurs inside one of those runs: the digest
 * finds the same products as the whole text would, with about half as many
 * characters for `like` to scan (a product's name comes back in its SKUs'
 * names, and the separators go). That scan is most of what the commonest
 * page costs the database (bench/results/2026-12-05-light-page-sql.md).
 */
export const MAX_SEARCH_WORDS = 8;
/** Whatever is not a letter or a digit separates words, in a search and in the digest alike. */
const WORD_SEPARATORS = /[^\p{L}\p{N}]+/u;

export function searchWords(search: string | null | undefined): string[] {
  if (!search) return [];
  const words = search
    .toLowerCase()
    .split(WORD_SEPARATORS)
    .filter((word) => word.length > 0);
  return [...new Set(words)].slice(0, MAX_SEARCH_WORDS);
}

export type SearchSource = {
  name: string;
  description: string | null;
  brandName: string;
  categoryPath: string;
  skus: readonly { code: string; name: string; attributes: readonly { value: string }[] }[];
  fitments: readonly { make: string; model: string }[];
};

export function buildSearchText(source: SearchSource): string {
  const parts = [
    source.name,
    source.brandName,
    source.categoryPath,
    ...source.skus.flatMap((sku) => [sku.code, sku.name, ...sku.attributes.map((attribute) => attribute.value)]),
    ...source.fitments.map((fitment) => `${fitment.make} ${fitment.model}`),
    source.description ?? '',
  ];
  return searchDigest(parts.join(' '));
}

/**
 * The distinct words of a text, lower-cased as searchWords lower-cases a
 * search (before splitting, so both split the very same characters), one
 * space apart in the order first seen.
 */
export function searchDigest(text: string): string {
  return [...new Set(text.toLowerCase().split(WORD_SEPARATORS))].filter((word) => word.length > 0).join(' ');
}
