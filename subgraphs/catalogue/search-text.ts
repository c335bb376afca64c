/**
 * Text search that behaves the same on SQLite and MySQL: every product keeps a
 * lower-cased digest of what a shopper might type, and a search matches when
 * each of its words occurs in the digest (`like '%word%'`). Good for catalogues
 * of tens of thousands of products; a full-text engine is the step after.
 */
export const MAX_SEARCH_WORDS = 8;

export function searchWords(search: string | null | undefined): string[] {
  if (!search) return [];
  const words = search
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
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
  return parts.join(' | ').toLowerCase();
}
