import { PaymentEntity, RefundEntity } from './payment.entity.ts';
import { CallbackReviewEntity, ReconciliationReportEntity } from './review.entity.ts';

export const paymentsEntities = [PaymentEntity, RefundEntity, CallbackReviewEntity, ReconciliationReportEntity];
