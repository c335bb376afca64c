import { transactWithRetry } from '../../platform/db/raw-sql.ts';
import { failed, succeeded } from '../../platform/graphql/user-errors.ts';
import { newId } from '../../platform/values/ids.ts';
import type { CatalogueContext } from './context.ts';
import { SkuEntity } from './entities/sku.entity.ts';
import { recordProductChanged } from './events.ts';
import { checkText, newErrors } from './product-input.ts';
import {
  countSynonymGroups,
  deleteSynonymGroup,
  lockProductForIndex,
  type PartNumber,
  reindexProduct,
  replacePartNumbers,
  saveSynonymGroup,
  synonymGroupExists,
  synonymGroups,
} from './search-index-repository.ts';
import { SEARCH_LIMITS } from './search-service.ts';
import { compactPartNumber, textTokens } from './search-tokens.ts';
import { skuByCode } from './service.ts';

/**
 * Staff changes to what search finds by: a SKU's part numbers (kept up to
 * date in the index in the same transaction) and merchandisers' synonym
 * groups (read by every search, so no reindex).
 */
export const PART_NUMBER_LIMITS = { numbers: 50, length: 40, brand: 120 } as const;
export const SYNONYM_LIMITS = { phrases: 10, phraseLength: 60 } as const;

export type SetSkuPartNumbersInput = {
  skuCode: string;
  manufacturerPartNumber?: string | null;
  oeNumbers: string[];
  crossReferences?: { brand: string; number: string }[] | null;
};

const unknownSku = (code: string) =>
  failed('sku', [{ code: 'UNKNOWN_SKU' as const, field: 'input.skuCode', message: `no SKU with code "${code}"` }]);

export async function setSkuPartNumbers(ctx: CatalogueContext, input: SetSkuPartNumbersInput) {
  const errors = newErrors();
  const crossReferences = input.crossReferences ?? [];
  if (input.oeNumbers.length + crossReferences.length + 1 > PART_NUMBER_LIMITS.numbers) {
    errors.add('INVALID_VALUE', 'input', `a SKU may hold at most ${PART_NUMBER_LIMITS.numbers} part numbers`);
  }
  const number = (field: string, value: string) => {
    const text = checkText(errors, field, value, PART_NUMBER_LIMITS.length);
    if (text && compactPartNumber(text).length === 0) errors.add('INVALID_VALUE', field, `${field} holds no letter or digit`);
    return text;
  };
  const parts: PartNumber[] = [];
  if (input.manufacturerPartNumber) {
    parts.push({
      skuCode: input.skuCode,
      kind: 'MPN',
      number: number('input.manufacturerPartNumber', input.manufacturerPartNumber),
      brandName: null,
    });
  }
  input.oeNumbers.forEach((oe, i) => {
    parts.push({ skuCode: input.skuCode, kind: 'OE', number: number(`input.oeNumbers[${i}]`, oe), brandName: null });
  });
  crossReferences.forEach((cross, i) => {
    const brandName = checkText(errors, `input.crossReferences[${i}].brand`, cross.brand, PART_NUMBER_LIMITS.brand);
    parts.push({ skuCode: input.skuCode, kind: 'CROSS', number: number(`input.crossReferences[${i}].number`, cross.number), brandName });
  });
  if (errors.any) return failed('sku', errors);
  // A SKU never moves to another product, so its product is known before the transaction, whose
  // first statement locks that product (lockProductForIndex says why).
  const productId = (await skuByCode(ctx, input.skuCode))?.productId;
  if (!productId) return unknownSku(input.skuCode);
  // Retried on a lost lock race, as updateProduct is (the index rewrite can deadlock on InnoDB gaps).
  const sku = await transactWithRetry(ctx.db, ctx.em, async (em) => {
    await lockProductForIndex(ctx.db, em, productId);
    const sku = await em.findOne(SkuEntity, { code: input.skuCode }, { refresh: true });
    if (!sku) return null;
    await replacePartNumbers(ctx.db, em, sku.code, parts);
    sku.updatedAt = new Date();
    await em.flush();
    await reindexProduct(ctx.db, em, sku.productId);
    await recordProductChanged(ctx.events, em, sku.productId);
    return sku;
  });
  if (!sku) return unknownSku(input.skuCode);
  ctx.loaders.partNumbersBySkuCode.clear(sku.code);
  return succeeded('sku', sku);
}

export const searchSynonyms = (ctx: CatalogueContext) => synonymGroups(ctx.db, ctx.em, SEARCH_LIMITS.synonymGroups);

/** Creates a group (no id) or replaces one: phrases are matched as whole words, so each must tokenize to something. */
export async function saveSearchSynonyms(ctx: CatalogueContext, input: { id?: string | null; phrases: string[] }) {
  const errors = newErrors();
  if (input.phrases.length < 2 || input.phrases.length > SYNONYM_LIMITS.phrases) {
    errors.add(
      'INVALID_VALUE',
      'input.phrases',
      `a synonym group holds 2 to ${SYNONYM_LIMITS.phrases} phrases; received ${input.phrases.length}`,
    );
  }
  const phrases = input.phrases.map((phrase, i) => {
    const text = checkText(errors, `input.phrases[${i}]`, phrase, SYNONYM_LIMITS.phraseLength);
    if (text && textTokens(text).length === 0)
      errors.add('INVALID_VALUE', `input.phrases[${i}]`, `input.phrases[${i}] holds no letter or digit`);
    return textTokens(text).join(' ');
  });
  if (errors.any) return failed('synonyms', errors);
  const group = { id: input.id ?? newId(), phrases: [...new Set(phrases)] };
  const saved = await ctx.db.transaction(ctx.em, async (em) => {
    if (input.id && !(await synonymGroupExists(ctx.db, em, input.id))) return 'UNKNOWN';
    if (!input.id && (await countSynonymGroups(ctx.db, em)) >= SEARCH_LIMITS.synonymGroups) return 'FULL';
    await saveSynonymGroup(ctx.db, em, group, new Date());
    return 'SAVED';
  });
  if (saved === 'UNKNOWN') {
    return failed('synonyms', [
      { code: 'UNKNOWN_SYNONYMS' as const, field: 'input.id', message: `no synonym group with id "${input.id}"` },
    ]);
  }
  if (saved === 'FULL') {
    return failed('synonyms', [
      { code: 'TOO_MANY_SYNONYMS' as const, field: 'input', message: `at most ${SEARCH_LIMITS.synonymGroups} synonym groups may be kept` },
    ]);
  }
  return succeeded('synonyms', group);
}

export async function deleteSearchSynonyms(ctx: CatalogueContext, id: string) {
  const deleted = await ctx.db.transaction(ctx.em, (em) => deleteSynonymGroup(ctx.db, em, id));
  if (!deleted)
    return { deletedId: null, userErrors: [{ code: 'UNKNOWN_SYNONYMS', field: 'id', message: `no synonym group with id "${id}"` }] };
  return { deletedId: id, userErrors: [] };
}
