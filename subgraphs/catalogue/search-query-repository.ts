import type { Database, EntityManager } from '../../platform/db/database.ts';
import { placeholders } from '../../platform/db/entity-rows.ts';
import { int } from '../../platform/db/raw-sql.ts';
import { conditions, type ProductWhere } from './product-repository.ts';

/**
 * The reads behind search (search-service.ts). A query is a plan of token
 * conditions, never user syntax: every token is a bound parameter, and a
 * prefix is a token of letters and digits only (search-tokens.ts), so the
 * `like ? ` patterns can hold no wildcard but the trailing one we add.
 */

/** One word of the query: any of these tokens (as typed, or corrected), or any token starting with `prefix`. */
export type TokenCondition = { exact: readonly string[]; corrected: readonly string[]; prefix: string | null };
/** A clause matches when one of its alternatives (each a list of conditions all required) matches. */
export type Clause = readonly (readonly TokenCondition[])[];
export type MatchPlan = { clauses: readonly Clause[]; partToken: string | null };

function tokenCondition(condition: TokenCondition, params: unknown[]): string {
  const parts: string[] = [];
  const tokens = [...condition.exact, ...condition.corrected];
  if (tokens.length) {
    parts.push(`t.token in (${placeholders(tokens)})`);
    params.push(...tokens);
  }
  if (condition.prefix) {
    parts.push('t.token like ?');
    params.push(`${condition.prefix}%`);
  }
  return `p.id in (select t.product_id from product_search_token t where ${parts.join(' or ')})`;
}

function matchCondition(plan: MatchPlan, params: unknown[]): string {
  const words = plan.clauses.map(
    (clause) => `(${clause.map((alternative) => `(${alternative.map((c) => tokenCondition(c, params)).join(' and ')})`).join(' or ')})`,
  );
  const all = words.length ? `(${words.join(' and ')})` : null;
  if (!plan.partToken) return all ?? '1 = 0';
  // After the words: their values are already in `params`, and placeholders bind in order.
  params.push(plan.partToken);
  const part = 'p.id in (select t.product_id from product_search_token t where t.token = ?)';
  return all ? `(${all} or ${part})` : part;
}

export type Candidate = { id: string; name: string; brandId: string; categoryId: string; minPriceMinor: number | null };

/** Every product the plan and filter match, up to `limit` (the caller asks for one more than it keeps to see a cut). */
export async function matchingProducts(
  db: Database,
  em: EntityManager,
  plan: MatchPlan,
  where: ProductWhere,
  limit: number,
): Promise<Candidate[]> {
  const filtered = conditions({ ...where, words: [] }, 'p');
  const params: unknown[] = [...filtered.params];
  const match = matchCondition(plan, params);
  const sql = [...filtered.sql, match].join(' and ');
  params.push(limit);
  const rows = await db.execute<{ id: string; name: string; brand_id: string; category_id: string; min_price: unknown }>(
    em,
    `select p.id, p.name, p.brand_id, p.category_id, (select min(s.price_minor) from sku s where s.product_id = p.id) as min_price
       from product p where ${sql} order by p.id limit ?`,
    params,
  );
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    brandId: row.brand_id,
    categoryId: row.category_id,
    minPriceMinor: row.min_price === null ? null : int(row.min_price),
  }));
}

export type TokenHit = { productId: string; token: string; weight: number };

/** The index rows of these products that any of the plan's conditions hits: what relevance is scored from. */
export async function tokenHits(db: Database, em: EntityManager, productIds: readonly string[], plan: MatchPlan): Promise<TokenHit[]> {
  if (productIds.length === 0) return [];
  const exact = new Set<string>();
  const prefixes = new Set<string>();
  for (const clause of plan.clauses) {
    for (const alternative of clause) {
      for (const condition of alternative) {
        for (const token of [...condition.exact, ...condition.corrected]) exact.add(token);
        if (condition.prefix) prefixes.add(condition.prefix);
      }
    }
  }
  if (plan.partToken) exact.add(plan.partToken);
  const tests: string[] = [];
  const params: unknown[] = [...productIds];
  if (exact.size) {
    tests.push(`t.token in (${placeholders([...exact])})`);
    params.push(...exact);
  }
  for (const prefix of prefixes) {
    tests.push('t.token like ?');
    params.push(`${prefix}%`);
  }
  if (tests.length === 0) return [];
  const rows = await db.execute<{ product_id: string; token: string; weight: unknown }>(
    em,
    `select t.product_id, t.token, t.weight from product_search_token t
      where t.product_id in (${placeholders(productIds)}) and (${tests.join(' or ')})`,
    params,
  );
  // MariaDB compares with a case- and accent-insensitive collation; lower-case here so scoring compares like SQLite.
  return rows.map((row) => ({ productId: row.product_id, token: row.token.toLowerCase(), weight: int(row.weight) }));
}

/** Indexed words whose length is within one of `length`: where a one-edit typo can be corrected to. */
export async function wordsOfLength(db: Database, em: EntityManager, length: number, limit: number): Promise<string[]> {
  const rows = await db.execute<{ token: string }>(
    em,
    `select distinct token from product_search_token where length(token) between ? and ? and token not like ? order by token limit ?`,
    [length - 1, length + 1, '#%', limit],
  );
  return rows.map((row) => row.token);
}

/** The vehicles the products fit, one row per product, make and model. */
export async function vehiclesOfProducts(
  db: Database,
  em: EntityManager,
  productIds: readonly string[],
): Promise<{ productId: string; make: string; model: string }[]> {
  if (productIds.length === 0) return [];
  const rows = await db.execute<{ product_id: string; make: string; model: string }>(
    em,
    `select distinct product_id, make, model from fitment where product_id in (${placeholders(productIds)})`,
    [...productIds],
  );
  return rows.map((row) => ({ productId: row.product_id, make: row.make, model: row.model }));
}

/** Indexed words starting with `prefix`, most products first: autocomplete's terms. */
export async function wordsStartingWith(
  db: Database,
  em: EntityManager,
  prefix: string,
  limit: number,
): Promise<{ word: string; products: number }[]> {
  const rows = await db.execute<{ token: string; n: unknown }>(
    em,
    `select min(t.token) as token, count(*) as n from product_search_token t join product p on p.id = t.product_id
      where t.token like ? and p.active = ? group by t.token order by count(*) desc, min(t.token) limit ?`,
    [`${prefix}%`, true, limit],
  );
  return rows.map((row) => ({ word: row.token.toLowerCase(), products: int(row.n) }));
}
