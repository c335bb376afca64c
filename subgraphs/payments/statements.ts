import { type Money, parseMoney } from '../../platform/values/money.ts';
import { TRANSFER_REFERENCE } from './create-payment.ts';
import type { PaymentChannel } from './entities/payment.entity.ts';

/**
 * Provider statements as CSV, one layout per channel (README, "Payments"):
 *
 * - WECHAT_PAY, WeChat's trade bill: transaction_time,transaction_id,out_trade_no,amount,status.
 *   Times are Beijing time ("2026-11-23 14:05:11") or ISO 8601; amounts in yuan
 *   ("123.45", a leading ¥ allowed); WeChat prefixes every value with ` so
 *   spreadsheets keep long numbers, which is stripped. status SUCCESS is a payment.
 * - ALIPAY, Alipay's trade bill: trade_no,out_trade_no,gmt_payment,total_amount,trade_status.
 *   TRADE_SUCCESS and TRADE_FINISHED are payments.
 * - BANK_TRANSFER, the bank's account statement: value_date,bank_reference,amount,currency,remittance_info.
 *   Credits (amount > 0) are incoming transfers; remittance_info carries the
 *   reference the customer quoted (PAY + 8 characters).
 *
 * Other rows (refunds, debits, fees) are counted as ignored, never compared.
 * Any row that cannot be read is a user error naming its line: a statement is
 * taken whole or not at all.
 */
export type StatementRow = {
  line: number;
  /** The provider's transaction id or the bank's reference. */
  providerReference: string;
  /** out_trade_no, or for a transfer the quoted reference (null when none is quoted). */
  key: string | null;
  amount: Money;
  at: Date;
};

export type Statement = { rows: StatementRow[]; ignored: number };
export type StatementProblem = { line: number; message: string };

const LAYOUTS: Record<Exclude<PaymentChannel, 'CASH'>, readonly string[]> = {
  WECHAT_PAY: ['transaction_time', 'transaction_id', 'out_trade_no', 'amount', 'status'],
  ALIPAY: ['trade_no', 'out_trade_no', 'gmt_payment', 'total_amount', 'trade_status'],
  BANK_TRANSFER: ['value_date', 'bank_reference', 'amount', 'currency', 'remittance_info'],
};

const PROVIDER_COLUMNS = {
  WECHAT_PAY: { time: 'transaction_time', reference: 'transaction_id', key: 'out_trade_no', amount: 'amount', status: 'status' },
  ALIPAY: { time: 'gmt_payment', reference: 'trade_no', key: 'out_trade_no', amount: 'total_amount', status: 'trade_status' },
} as const;
const PAID_ROW_STATUSES = { WECHAT_PAY: ['SUCCESS'], ALIPAY: ['TRADE_SUCCESS', 'TRADE_FINISHED'] } as const;

export const MAX_STATEMENT_ROWS = 20_000;

/** RFC 4180 CSV: quoted fields may hold commas, quotes ("") and line breaks. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"' && field === '') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += char;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((cells) => cells.some((cell) => cell.trim() !== ''));
}

const clean = (value: string | undefined) => (value ?? '').trim().replace(/^`/, '').trim();

/** Beijing time without a zone (how both providers write their bills), or ISO 8601 with one. */
function parseTime(value: string): Date | null {
  const local = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})$/.exec(value);
  const date = local
    ? new Date(`${local[1]}T${local[2]}+08:00`)
    : /^\d{4}-\d{2}-\d{2}$/.test(value)
      ? new Date(`${value}T00:00:00Z`)
      : new Date(value);
  return Number.isNaN(date.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(value) ? null : date;
}

export function parseStatement(channel: Exclude<PaymentChannel, 'CASH'>, csv: string): Statement | StatementProblem[] {
  const layout = LAYOUTS[channel];
  const [header, ...lines] = parseCsv(csv);
  const columns = (header ?? []).map((name) => clean(name).toLowerCase());
  const missing = layout.filter((name) => !columns.includes(name));
  if (missing.length > 0)
    return [{ line: 1, message: `the header lacks ${missing.join(', ')}; a ${channel} statement has ${layout.join(',')}` }];
  if (lines.length > MAX_STATEMENT_ROWS)
    return [{ line: 1, message: `at most ${MAX_STATEMENT_ROWS} rows per statement; received ${lines.length}` }];
  const problems: StatementProblem[] = [];
  const rows: StatementRow[] = [];
  let ignored = 0;
  lines.forEach((cells, index) => {
    const line = index + 2;
    const get = (name: string) => clean(cells[columns.indexOf(name)]);
    if (channel === 'BANK_TRANSFER') {
      const amount = parseMoney({ amount: get('amount'), currencyCode: get('currency').toUpperCase() });
      const at = parseTime(get('value_date'));
      if (!amount.ok || !at || !get('bank_reference')) {
        problems.push({
          line,
          message: `cannot read value_date "${get('value_date')}", bank_reference or amount/currency (${amount.ok ? 'ok' : amount.message})`,
        });
        return;
      }
      if (amount.money.minor <= 0) {
        ignored++;
        return;
      }
      const quoted = TRANSFER_REFERENCE.exec(get('remittance_info').toUpperCase())?.[0] ?? null;
      rows.push({ line, providerReference: get('bank_reference'), key: quoted, amount: amount.money, at });
      return;
    }
    const named = PROVIDER_COLUMNS[channel];
    const status = get(named.status);
    if (!(PAID_ROW_STATUSES[channel] as readonly string[]).includes(status)) {
      ignored++;
      return;
    }
    const amount = parseMoney({ amount: get(named.amount).replace(/^¥/, ''), currencyCode: 'CNY' });
    const at = parseTime(get(named.time));
    const reference = get(named.reference);
    const key = get(named.key);
    if (!amount.ok || !at || !reference || !key) {
      problems.push({
        line,
        message: `cannot read its time, transaction id, out_trade_no or amount (${amount.ok ? 'ok' : amount.message})`,
      });
      return;
    }
    rows.push({ line, providerReference: reference, key, amount: amount.money, at });
  });
  return problems.length > 0 ? problems : { rows, ignored };
}
