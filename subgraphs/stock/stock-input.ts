import { quoted } from '../../platform/graphql/excerpt.ts';
import { type UserError, UserErrors } from '../../platform/graphql/user-errors.ts';
import { checkCount, checkInteger, checkText, SKU_CODE } from '../../platform/graphql/validation.ts';

/** The shape rules of stock inputs, checked before anything is read or written. */
export type StockErrorCode =
  | 'INVALID_VALUE'
  | 'UNKNOWN_SKU'
  | 'UNKNOWN_WAREHOUSE'
  | 'UNKNOWN_SUPPLIER'
  | 'UNKNOWN_PURCHASE_ORDER'
  | 'UNKNOWN_RESERVATION'
  | 'INSUFFICIENT_STOCK'
  | 'RESERVATION_EXPIRED'
  | 'INVALID_STATE_TRANSITION'
  | 'DUPLICATE_REQUEST'
  | 'DUPLICATE_CODE'
  | 'SAME_WAREHOUSE'
  | 'WAREHOUSE_INACTIVE'
  | 'OVER_RECEIPT';

export type StockErrors = UserErrors<StockErrorCode>;
export const newStockErrors = () => new UserErrors<StockErrorCode>();

export type StockLineInput = { skuCode: string; quantity: number };

export const MAX_LINES = 100;
export const MAX_QUANTITY = 1_000_000;

export function checkSkuCode(errors: StockErrors, field: string, code: string): string {
  if (!SKU_CODE.test(code))
    errors.add('INVALID_VALUE', field, `${field} is not a SKU code (2 to 40 of A-Z, 0-9 and dashes); received ${quoted(code)}`);
  return code;
}

export function checkQuantity(errors: StockErrors, field: string, quantity: number): number {
  return checkInteger(errors, field, quantity, 1, MAX_QUANTITY);
}

export function checkReference(errors: StockErrors, field: string, reference: string): string {
  return checkText(errors, field, reference, 120);
}

/** Lines of SKU and quantity; each SKU at most once. */
export function checkLines<Line extends StockLineInput>(errors: StockErrors, lines: readonly Line[], field = 'input.lines'): Line[] {
  checkCount(errors, field, lines, MAX_LINES, 'lines');
  const seen = new Set<string>();
  lines.forEach((line, i) => {
    checkSkuCode(errors, `${field}[${i}].skuCode`, line.skuCode);
    checkQuantity(errors, `${field}[${i}].quantity`, line.quantity);
    if (seen.has(line.skuCode))
      errors.add('INVALID_VALUE', `${field}[${i}].skuCode`, `${line.skuCode} appears on more than one line; put it on one`);
    seen.add(line.skuCode);
  });
  return [...lines];
}

/** A user error found inside a transaction (over-receipt, a cost in another currency): throwing it rolls the transaction back. */
export class ChangeRefused extends Error {
  readonly userError: UserError<StockErrorCode>;
  constructor(userError: UserError<StockErrorCode>) {
    super(userError.message);
    this.userError = userError;
  }
}
