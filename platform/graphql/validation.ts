import { quoted } from './excerpt.ts';

/**
 * Field rules every domain shares. Each reports under the domain's
 * `INVALID_VALUE` code, names the field path and repeats what it received.
 */
/** A SKU code, the key every subgraph refers to a SKU by: 2 to 40 of A-Z, 0-9 and dashes. */
export const SKU_CODE = /^[A-Z0-9][A-Z0-9-]{1,39}$/;
/** An email address, checked for shape only (deliverability is the mail server's business). */
export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

type Errors = { add(code: 'INVALID_VALUE', field: string | null, message: string): unknown };

/** A trimmed text of 1..max characters. */
export function checkText(errors: Errors, field: string, value: string, max: number): string {
  const text = value.trim();
  if (text.length === 0 || text.length > max) {
    errors.add('INVALID_VALUE', field, `${field} must have 1 to ${max} characters; received ${quoted(value)}`);
  }
  return text;
}

/** An integer from min to max. */
export function checkInteger(errors: Errors, field: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    errors.add('INVALID_VALUE', field, `${field} must be a whole number from ${min} to ${max}; received ${value}`);
  }
  return value;
}

/** A list of 1..max items. */
export function checkCount(errors: Errors, field: string, items: readonly unknown[], max: number, what: string): void {
  if (items.length === 0 || items.length > max) {
    errors.add('INVALID_VALUE', field, `${field} must hold 1 to ${max} ${what}; received ${items.length}`);
  }
}
