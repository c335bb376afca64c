import { createHash } from 'node:crypto';
import { retryOnLockConflict } from '../../platform/db/conflicts.ts';
import { failed, succeeded, type UserError } from '../../platform/graphql/user-errors.ts';
import { newId } from '../../platform/values/ids.ts';
import type { PaymentsContext } from './context.ts';
import type { PaymentErrorCode } from './create-payment.ts';
import { type Payment, type PaymentChannel, PaymentEntity } from './entities/payment.entity.ts';
import { type ReconciliationReport, ReconciliationReportEntity } from './entities/review.entity.ts';
import { markPaid, PAID_STATUSES } from './settlement.ts';
import { parseStatement, type StatementRow } from './statements.ts';

/**
 * Compares a provider's statement with our payments and stores what it found.
 * Nothing is fixed silently: a payment the provider says was paid but that is
 * pending here is listed (missingInLedger), not settled, because only the
 * provider's signed callback settles an online payment. The one exception is
 * the purpose of a bank statement: a pending BANK_TRANSFER whose quoted
 * reference and amount appear on it is settled, in the transaction that
 * stores the report, and the report lists it under settledPayments.
 */
export type ReconcileStatementInput = {
  channel: PaymentChannel;
  statementCsv: string;
  periodStart?: Date | null;
  periodEnd?: Date | null;
};

type MoneyData = { minor: number; currency: string };
export type ReportDetails = {
  missingInStatement: { paymentId: string; outTradeNo: string; amount: MoneyData }[];
  missingInLedger: { providerReference: string; outTradeNo: string | null; amount: MoneyData; note: string }[];
  amountMismatches: { paymentId: string; providerReference: string; ours: MoneyData; theirs: MoneyData }[];
  settledPayments: string[];
};

type Payload = { report: ReconciliationReport | null; userErrors: UserError<PaymentErrorCode>[] };
const DAY_MS = 86_400_000;

export async function reconcileStatement(ctx: PaymentsContext, input: ReconcileStatementInput): Promise<Payload> {
  if (input.channel === 'CASH') {
    return failed('report', [{ code: 'INVALID_VALUE', field: 'input.channel', message: 'CASH has no provider statement to reconcile' }]);
  }
  const statement = parseStatement(input.channel, input.statementCsv);
  if (Array.isArray(statement)) {
    return failed(
      'report',
      statement.slice(0, 20).map((problem) => ({
        code: 'INVALID_VALUE' as const,
        field: 'input.statementCsv',
        message: `line ${problem.line}: ${problem.message}`,
      })),
    );
  }
  const times = statement.rows.map((row) => row.at.getTime());
  const periodStart = input.periodStart ?? new Date(times.length ? Math.floor(Math.min(...times) / DAY_MS) * DAY_MS : Date.now());
  const periodEnd =
    input.periodEnd ?? new Date(times.length ? (Math.floor(Math.max(...times) / DAY_MS) + 1) * DAY_MS : periodStart.getTime());
  if (periodEnd < periodStart) {
    return failed('report', [
      {
        code: 'INVALID_VALUE',
        field: 'input.periodEnd',
        message: `periodEnd must not be before periodStart; received ${periodEnd.toISOString()}`,
      },
    ]);
  }

  const report = await retryOnLockConflict(() =>
    ctx.db.transaction(ctx.db.fork(), async (tx) => {
      const keys = [...new Set(statement.rows.flatMap((row) => (row.key ? [row.key] : [])))];
      const byKey = new Map<string, Payment>();
      const keyColumn = input.channel === 'BANK_TRANSFER' ? 'transferReference' : 'outTradeNo';
      for (let i = 0; i < keys.length; i += 500) {
        const found = await tx.find(PaymentEntity, { [keyColumn]: { $in: keys.slice(i, i + 500) }, channel: input.channel });
        for (const payment of found) byKey.set((payment[keyColumn] as string | null) ?? '', payment);
      }
      const ours = await tx.find(PaymentEntity, {
        channel: input.channel,
        status: { $in: [...PAID_STATUSES] },
        paidAt: { $gte: periodStart, $lt: periodEnd },
      });

      const details: ReportDetails = { missingInStatement: [], missingInLedger: [], amountMismatches: [], settledPayments: [] };
      const seen = new Set<string>();
      let matched = 0;
      const inLedger = (row: StatementRow, note: string) =>
        details.missingInLedger.push({ providerReference: row.providerReference, outTradeNo: row.key, amount: row.amount, note });
      for (const row of statement.rows) {
        const payment = row.key ? byKey.get(row.key) : undefined;
        if (!payment) {
          inLedger(row, row.key ? `no ${input.channel} payment of ours is known by ${row.key}` : 'quotes no transfer reference');
          continue;
        }
        if (seen.has(payment.id)) {
          inLedger(row, `payment ${payment.id} is listed more than once`);
          continue;
        }
        seen.add(payment.id);
        const sameAmount = row.amount.minor === payment.amountMinor && row.amount.currency === payment.currency;
        const ours = { minor: payment.amountMinor, currency: payment.currency };
        if (!sameAmount) {
          details.amountMismatches.push({ paymentId: payment.id, providerReference: row.providerReference, ours, theirs: row.amount });
        } else if ((PAID_STATUSES as readonly string[]).includes(payment.status)) {
          if (input.channel === 'BANK_TRANSFER' && payment.providerReference !== row.providerReference) {
            inLedger(row, `payment ${payment.id} was settled by bank reference ${payment.providerReference}; this is another transfer`);
          } else matched++;
        } else if (input.channel === 'BANK_TRANSFER' && payment.status === 'PENDING') {
          if (await markPaid(ctx, tx, payment, row.providerReference, new Date())) details.settledPayments.push(payment.id);
          matched++;
        } else {
          inLedger(row, `paid at the provider but ${payment.status} here: check it, nothing was changed`);
        }
      }
      for (const payment of ours) {
        if (!seen.has(payment.id)) {
          details.missingInStatement.push({
            paymentId: payment.id,
            outTradeNo: payment.outTradeNo,
            amount: { minor: payment.amountMinor, currency: payment.currency },
          });
        }
      }
      return tx.create(ReconciliationReportEntity, {
        id: newId(),
        channel: input.channel,
        periodStart,
        periodEnd,
        matched,
        ignoredRows: statement.ignored,
        details: JSON.stringify(details),
        statementSha256: createHash('sha256').update(input.statementCsv).digest('hex'),
        createdBy: ctx.identity.subject,
        createdAt: new Date(),
      });
    }),
  );
  return succeeded('report', report);
}
