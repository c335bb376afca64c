import { UserErrors } from '../../platform/graphql/user-errors.ts';
import { checkText, SKU_CODE } from '../../platform/graphql/validation.ts';
import { type Money, parseMoney } from '../../platform/values/money.ts';

export { checkText };

import { quoted } from '../../platform/graphql/excerpt.ts';
import type { TaxClass } from './entities/product.entity.ts';

/**
 * The shape rules of catalogue inputs, checked before anything is read or
 * written. Each rule reports the field path and the value it received, and
 * every problem is reported at once rather than the first only.
 */
export type CatalogueErrorCode =
  | 'INVALID_VALUE'
  | 'INVALID_PRICE'
  | 'UNKNOWN_BRAND'
  | 'UNKNOWN_CATEGORY'
  | 'UNKNOWN_SUPPLIER'
  | 'UNKNOWN_PRODUCT'
  | 'UNKNOWN_SKU'
  | 'DUPLICATE_SKU_CODE'
  | 'DUPLICATE_NAME'
  | 'UNKNOWN_SYNONYMS'
  | 'TOO_MANY_SYNONYMS'
  | 'IMAGE_NOT_BASE64'
  | 'IMAGE_TOO_LARGE'
  | 'IMAGE_TYPE_UNSUPPORTED'
  | 'IMAGE_MALFORMED'
  | 'IMAGE_DIMENSIONS_TOO_LARGE'
  | 'TOO_MANY_IMAGES'
  | 'UNKNOWN_IMAGE'
  | 'IMAGE_ORDER_MISMATCH';

export type CatalogueErrors = UserErrors<CatalogueErrorCode>;

export type MoneyInput = { amount: string; currencyCode: string };
export type SkuAttributeInput = { name: string; value: string };
export type SkuInput = { code: string; name: string; price: MoneyInput; attributes?: SkuAttributeInput[] | null };
export type FitmentInput = { make: string; model: string; yearFrom: number; yearTo: number };

export type CreateProductInput = {
  name: string;
  description?: string | null;
  brandId: string;
  categoryId: string;
  supplierId?: string | null;
  taxClass?: TaxClass | null;
  skus: SkuInput[];
  fitments?: FitmentInput[] | null;
};

export type UpdateProductInput = {
  id: string;
  name?: string | null;
  description?: string | null;
  brandId?: string | null;
  categoryId?: string | null;
  supplierId?: string | null;
  taxClass?: TaxClass | null;
  active?: boolean | null;
  fitments?: FitmentInput[] | null;
};

export const LIMITS = { imageAlt: 300, name: 200, description: 4000, skus: 50, attributes: 20, fitments: 200, vehicleName: 60 } as const;
const EARLIEST_MODEL_YEAR = 1950;

export function newErrors(): CatalogueErrors {
  return new UserErrors<CatalogueErrorCode>();
}

/** A positive price in a supported currency. */
export function checkPrice(errors: CatalogueErrors, field: string, input: MoneyInput): Money | null {
  const parsed = parseMoney(input);
  if (!parsed.ok) {
    errors.add('INVALID_PRICE', field, `${field}: ${parsed.message}`);
    return null;
  }
  if (parsed.money.minor <= 0) {
    errors.add('INVALID_PRICE', `${field}.amount`, `${field}.amount must be greater than zero; received "${input.amount}"`);
    return null;
  }
  return parsed.money;
}

export function checkDescription(errors: CatalogueErrors, value: string | null | undefined): string | null {
  const text = value?.trim() ?? '';
  if (text.length > LIMITS.description) {
    errors.add(
      'INVALID_VALUE',
      'input.description',
      `input.description must have at most ${LIMITS.description} characters; received ${text.length}`,
    );
  }
  return text === '' ? null : text;
}

export type CheckedSku = { code: string; name: string; price: Money; attributes: SkuAttributeInput[] };

export function checkSkus(errors: CatalogueErrors, skus: readonly SkuInput[]): CheckedSku[] {
  if (skus.length === 0 || skus.length > LIMITS.skus) {
    errors.add('INVALID_VALUE', 'input.skus', `a product needs 1 to ${LIMITS.skus} SKUs; received ${skus.length}`);
  }
  const seen = new Set<string>();
  const checked: CheckedSku[] = [];
  skus.forEach((sku, i) => {
    const field = `input.skus[${i}]`;
    if (!SKU_CODE.test(sku.code)) {
      errors.add(
        'INVALID_VALUE',
        `${field}.code`,
        `${field}.code must be 2 to 40 of A-Z, 0-9 and dashes, starting with a letter or digit; received ${quoted(sku.code)}`,
      );
    } else if (seen.has(sku.code)) {
      errors.add('DUPLICATE_SKU_CODE', `${field}.code`, `${field}.code "${sku.code}" appears twice in this input`);
    }
    seen.add(sku.code);
    const name = checkText(errors, `${field}.name`, sku.name, LIMITS.name);
    const price = checkPrice(errors, `${field}.price`, sku.price);
    const attributes = checkAttributes(errors, field, sku.attributes ?? []);
    if (price) checked.push({ code: sku.code, name, price, attributes });
  });
  return checked;
}

function checkAttributes(errors: CatalogueErrors, skuField: string, attributes: readonly SkuAttributeInput[]): SkuAttributeInput[] {
  if (attributes.length > LIMITS.attributes) {
    errors.add(
      'INVALID_VALUE',
      `${skuField}.attributes`,
      `a SKU has at most ${LIMITS.attributes} attributes; received ${attributes.length}`,
    );
  }
  const names = new Set<string>();
  return attributes.map((attribute, i) => {
    const field = `${skuField}.attributes[${i}]`;
    const name = checkText(errors, `${field}.name`, attribute.name, 60);
    const value = checkText(errors, `${field}.value`, attribute.value, 200);
    if (names.has(name.toLowerCase())) errors.add('INVALID_VALUE', `${field}.name`, `${field}.name "${name}" appears twice on this SKU`);
    names.add(name.toLowerCase());
    return { name, value };
  });
}

export function checkFitments(errors: CatalogueErrors, fitments: readonly FitmentInput[], now = new Date()): FitmentInput[] {
  if (fitments.length > LIMITS.fitments) {
    errors.add('INVALID_VALUE', 'input.fitments', `a product has at most ${LIMITS.fitments} fitments; received ${fitments.length}`);
  }
  const latestYear = now.getUTCFullYear() + 2;
  return fitments.map((fitment, i) => {
    const field = `input.fitments[${i}]`;
    const make = checkText(errors, `${field}.make`, fitment.make, LIMITS.vehicleName);
    const model = checkText(errors, `${field}.model`, fitment.model, LIMITS.vehicleName);
    for (const key of ['yearFrom', 'yearTo'] as const) {
      const year = fitment[key];
      if (year < EARLIEST_MODEL_YEAR || year > latestYear) {
        errors.add(
          'INVALID_VALUE',
          `${field}.${key}`,
          `${field}.${key} must be a model year from ${EARLIEST_MODEL_YEAR} to ${latestYear}; received ${year}`,
        );
      }
    }
    if (fitment.yearFrom > fitment.yearTo) {
      errors.add(
        'INVALID_VALUE',
        `${field}.yearTo`,
        `${field}.yearTo must not be before yearFrom; received ${fitment.yearFrom} to ${fitment.yearTo}`,
      );
    }
    return { make, model, yearFrom: fitment.yearFrom, yearTo: fitment.yearTo };
  });
}
