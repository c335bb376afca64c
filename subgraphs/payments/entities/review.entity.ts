import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/** A provider callback that was refused, kept for a person to look at (cut to what a review needs, see callback-review.ts). */
export const CallbackReviewEntity = defineEntity({
  name: 'CallbackReview',
  tableName: 'callback_review',
  properties: {
    id: p.string().primary(),
    provider: p.string(),
    reason: p.string(),
    headers: p.text(),
    body: p.text(),
    receivedAt: p.datetime(),
    /** Carried the provider's valid signature (kept always); unsigned ones are kept within a budget. */
    signed: p.boolean().default(false),
  },
});
export type CallbackReview = InferEntity<typeof CallbackReviewEntity>;

/** A stored reconciliation: the lists of the report are kept as JSON in `details`. */
export const ReconciliationReportEntity = defineEntity({
  name: 'ReconciliationReport',
  tableName: 'reconciliation_report',
  properties: {
    id: p.string().primary(),
    channel: p.string(),
    periodStart: p.datetime(),
    periodEnd: p.datetime(),
    matched: p.integer(),
    ignoredRows: p.integer(),
    details: p.text(),
    statementSha256: p.string(),
    createdBy: p.string().nullable(),
    createdAt: p.datetime(),
  },
});
export type ReconciliationReport = InferEntity<typeof ReconciliationReportEntity>;
