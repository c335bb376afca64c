/**
 * The one tokenizer behind the search index and the queries that read it, in
 * TypeScript so SQLite and MariaDB see the very same tokens (and give the same
 * first page): lower-cased runs of letters and digits, CJK text as overlapping
 * bigrams (MariaDB has no ngram parser, and a bigram index finds 刹车片 inside
 * 前轮刹车片套装), and part numbers compacted (no spaces, dashes, dots or case)
 * under a `#` so "04465-02220" and "04465 02220" are one token that no word
 * can collide with.
 */

/** Longest token stored; longer words are cut (a part number is at most 40 characters). */
export const MAX_TOKEN_LENGTH = 60;
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
/** A run of CJK characters, or a run of other letters and digits (set subtraction needs the `v` flag). */
const WORD_OR_CJK_RUN =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+|[[\p{L}\p{N}]--[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]]+/gv;

/** A run of CJK characters as overlapping bigrams (one character alone stays one token). */
export function cjkBigrams(run: string): string[] {
  const chars = [...run];
  if (chars.length < 2) return chars;
  return chars.slice(0, -1).map((char, i) => char + chars[i + 1]);
}

/** The words of a text in the order written: latin/digit words whole, CJK runs as bigrams, each lower-cased. */
export function textTokens(text: string): string[] {
  const tokens: string[] = [];
  for (const [run] of text.normalize('NFKC').toLowerCase().matchAll(WORD_OR_CJK_RUN)) {
    if (CJK.test(run)) tokens.push(...cjkBigrams(run));
    else tokens.push(run.slice(0, MAX_TOKEN_LENGTH));
  }
  return tokens;
}

/** A part number as typed anywhere: letters and digits only, lower-cased ("0 986 494-104" → "0986494104"). */
export function compactPartNumber(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

export const partToken = (number: string): string => `#${compactPartNumber(number)}`.slice(0, MAX_TOKEN_LENGTH);

export const isCjk = (token: string): boolean => CJK.test(token);

/** What a product is found by, per field; the weights rank a match in the name above one in the description. */
export const FIELD_WEIGHTS = {
  partNumber: 100,
  name: 10,
  brand: 8,
  category: 5,
  attribute: 4,
  vehicle: 4,
  description: 1,
} as const;

export type SearchDocument = {
  name: string;
  description: string | null;
  brandName: string;
  categoryPath: string;
  skus: readonly {
    code: string;
    name: string;
    attributes: readonly { value: string }[];
    partNumbers: readonly string[];
  }[];
  fitments: readonly { make: string; model: string }[];
};

/** Every token of a product with the highest weight of the fields it appears in. */
export function documentTokens(doc: SearchDocument): Map<string, number> {
  const tokens = new Map<string, number>();
  const add = (text: string, weight: number) => {
    for (const token of textTokens(text)) tokens.set(token, Math.max(tokens.get(token) ?? 0, weight));
  };
  const addPart = (number: string) => {
    const token = partToken(number);
    if (token.length > 1) tokens.set(token, FIELD_WEIGHTS.partNumber);
  };
  add(doc.name, FIELD_WEIGHTS.name);
  add(doc.brandName, FIELD_WEIGHTS.brand);
  add(doc.categoryPath, FIELD_WEIGHTS.category);
  for (const sku of doc.skus) {
    addPart(sku.code);
    for (const number of sku.partNumbers) {
      addPart(number);
      add(number, FIELD_WEIGHTS.attribute);
    }
    add(sku.code, FIELD_WEIGHTS.attribute);
    add(sku.name, FIELD_WEIGHTS.attribute);
    for (const attribute of sku.attributes) add(attribute.value, FIELD_WEIGHTS.attribute);
  }
  for (const fitment of doc.fitments) add(`${fitment.make} ${fitment.model}`, FIELD_WEIGHTS.vehicle);
  add(doc.description ?? '', FIELD_WEIGHTS.description);
  return tokens;
}

/** True when `a` and `b` differ by at most one insertion, deletion, substitution or swap of neighbours. */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  if (long.length - short.length > 1) return false;
  let i = 0;
  while (i < short.length && short[i] === long[i]) i++;
  if (short.length === long.length) {
    if (short.slice(i + 1) === long.slice(i + 1)) return true; // substitution
    return short[i] === long[i + 1] && short[i + 1] === long[i] && short.slice(i + 2) === long.slice(i + 2); // swap
  }
  return short.slice(i) === long.slice(i + 1); // insertion or deletion
}
