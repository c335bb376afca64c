import type { Clause, MatchPlan, TokenCondition, TokenHit } from './search-query-repository.ts';
import { compactPartNumber, isCjk, MAX_TOKEN_LENGTH, partToken, textTokens, withinOneEdit } from './search-tokens.ts';

/**
 * Turns what a shopper typed into a match plan (search-query-repository.ts)
 * and scores the products it matched. Pure: the vocabulary for typo
 * correction and the synonym groups are handed in, so the same input gives
 * the same plan and the same order on every engine.
 */

/** Words of five letters or more may be one edit away from what the index holds. */
export const TYPO_MIN_LENGTH = 5;

/** A query word: the word itself (and its singular), any indexed word it starts, and one-edit corrections. */
export function wordCondition(word: string, vocabulary: ReadonlyMap<number, readonly string[]>): TokenCondition {
  const exact = [word];
  if (!isCjk(word) && word.length >= 4 && word.endsWith('s')) exact.push(word.slice(0, -1));
  const corrected =
    !isCjk(word) && /^\p{L}+$/u.test(word) && word.length >= TYPO_MIN_LENGTH
      ? (vocabulary.get(word.length) ?? []).filter((candidate) => candidate !== word && withinOneEdit(candidate, word))
      : [];
  // A CJK bigram is matched whole; a latin word also as the start of a longer one, as the shopper types.
  return { exact, corrected, prefix: isCjk(word) ? null : word };
}

/** Query words (latin words, CJK bigrams) that typo correction needs a vocabulary for. */
export const typoLengths = (words: readonly string[]): number[] => [
  ...new Set(words.filter((word) => !isCjk(word) && word.length >= TYPO_MIN_LENGTH).map((word) => word.length)),
];

export type Synonyms = readonly (readonly string[])[];

/**
 * The plan: one clause per query word, except that a run of words spelling a
 * phrase of a synonym group becomes one clause whose alternatives are every
 * phrase of the group ("刹车片" also finds "brake pads"). The longest phrase
 * wins where phrases overlap. A query that looks like a part number also
 * matches that number exactly, whatever its spaces, dashes and case.
 */
export function buildPlan(query: string, synonyms: Synonyms, vocabulary: ReadonlyMap<number, readonly string[]>): MatchPlan {
  const words = textTokens(query);
  const groups = synonyms.map((group) => group.map((phrase) => textTokens(phrase)).filter((tokens) => tokens.length > 0));
  const clauses: Clause[] = [];
  let at = 0;
  while (at < words.length) {
    let best: { length: number; group: string[][] } | null = null;
    for (const group of groups) {
      for (const phrase of group) {
        if (phrase.length > (best?.length ?? 0) && phrase.every((token, i) => words[at + i] === token))
          best = { length: phrase.length, group };
      }
    }
    if (best) {
      clauses.push(best.group.map((phrase) => phrase.map((token) => wordCondition(token, vocabulary))));
      at += best.length;
    } else {
      clauses.push([[wordCondition(words[at]!, vocabulary)]]);
      at += 1;
    }
  }
  const compact = compactPartNumber(query);
  // Any query may be a part number (SKU codes need not hold a digit); one more indexed lookup finds out.
  const looksLikePart = compact.length >= 3 && compact.length < MAX_TOKEN_LENGTH;
  return { clauses, partToken: looksLikePart ? partToken(query) : null };
}

/** How a token scores for a condition: the word itself 10, a longer word it starts 6, a corrected typo 5 (times the field's weight). */
function conditionScore(condition: TokenCondition, tokens: ReadonlyMap<string, number>): number {
  let best = 0;
  for (const [token, weight] of tokens) {
    let factor = 0;
    if (condition.exact.includes(token)) factor = 10;
    else if (condition.prefix && token.startsWith(condition.prefix)) factor = 6;
    else if (condition.corrected.includes(token)) factor = 5;
    best = Math.max(best, factor * weight);
  }
  return best;
}

/**
 * Relevance of each product: per clause its best alternative, summed. An exact
 * part number adds a thousand times its weight, more than any number of word
 * matches can, so the SKU of a typed part number always comes first.
 */
export function relevance(plan: MatchPlan, hits: readonly TokenHit[]): Map<string, number> {
  const byProduct = new Map<string, Map<string, number>>();
  for (const hit of hits) {
    const tokens = byProduct.get(hit.productId) ?? new Map<string, number>();
    tokens.set(hit.token, Math.max(tokens.get(hit.token) ?? 0, hit.weight));
    byProduct.set(hit.productId, tokens);
  }
  const scores = new Map<string, number>();
  for (const [productId, tokens] of byProduct) {
    let score = plan.partToken ? (tokens.get(plan.partToken) ?? 0) * 1000 : 0;
    for (const clause of plan.clauses) {
      score += Math.max(...clause.map((alternative) => alternative.reduce((sum, c) => sum + conditionScore(c, tokens), 0)));
    }
    scores.set(productId, score);
  }
  return scores;
}
