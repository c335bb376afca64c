import type { Database } from '../../platform/db/database.ts';
import type { GaugeSample } from '../../platform/observability/metrics.ts';
import { droppedReviews } from './callback-review.ts';
import { PAYMENT_CHANNELS } from './entities/payment.entity.ts';
import { ReconciliationReportEntity } from './entities/review.entity.ts';
import type { ReportDetails } from './reconciliation.ts';

/** The differences a report lists, by kind: the label values of payments_reconciliation_mismatches. */
type MismatchCounts = { amount: number; missing_in_statement: number; missing_in_ledger: number };

/** Counts by report id: a report never changes once stored, and its details can be large, so each is parsed once. */
const countsByReport = new Map<string, MismatchCounts>();
const REMEMBERED_REPORTS = 64;

function countsOf(report: { id: string; details: string }): MismatchCounts {
  const known = countsByReport.get(report.id);
  if (known) return known;
  const details = JSON.parse(report.details) as ReportDetails;
  const counts = {
    amount: details.amountMismatches.length,
    missing_in_statement: details.missingInStatement.length,
    missing_in_ledger: details.missingInLedger.length,
  };
  if (countsByReport.size >= REMEMBERED_REPORTS) countsByReport.clear();
  countsByReport.set(report.id, counts);
  return counts;
}

/**
 * The differences in each channel's latest reconciliation report: what
 * someone still has to look at, until a later statement reconciles clean.
 * A channel never reconciled reports nothing.
 */
export async function latestReconciliationMismatches(db: Database): Promise<GaugeSample[]> {
  const samples: GaugeSample[] = [];
  for (const channel of PAYMENT_CHANNELS) {
    const latest = await db
      .fork()
      .findOne(ReconciliationReportEntity, { channel }, { orderBy: { createdAt: 'desc', id: 'desc' }, fields: ['id', 'details'] });
    if (!latest) continue;
    for (const [kind, value] of Object.entries(countsOf(latest))) samples.push({ labels: { channel, kind }, value });
  }
  return samples;
}

/** Payments' gauges at `/metrics` (the kit's `metrics` hook). */
export const paymentsMetrics = {
  payments_callback_reviews_dropped_total: {
    help: 'Refused unsigned callbacks not kept, since start: rate_limited (over the per-source limit) or over_budget (oldest deleted).',
    labelNames: ['reason'],
    read: async (db: Database) => {
      const dropped = droppedReviews(db);
      return [
        { labels: { reason: 'rate_limited' }, value: dropped.rateLimited },
        { labels: { reason: 'over_budget' }, value: dropped.overBudget },
      ];
    },
  },
  payments_reconciliation_mismatches: {
    help: "Differences in each channel's latest reconciliation report, by kind: amount, missing_in_statement, missing_in_ledger.",
    labelNames: ['channel', 'kind'],
    read: latestReconciliationMismatches,
  },
};
