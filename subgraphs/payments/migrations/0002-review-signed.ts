import { Migration } from '@mikro-orm/migrations';

/**
 * Whether a kept callback carried the provider's valid signature. Unsigned
 * ones can come from anyone and are kept within a budget (callback-review.ts);
 * signed ones come only from the provider and always stay. Existing rows are
 * counted as unsigned, the safe side of the budget.
 */
export class PaymentsReviewSigned extends Migration {
  override name = '0002-payments-review-signed';

  override up(): void {
    this.addSql('alter table callback_review add column signed boolean not null default false');
    this.addSql('create index callback_review_signed_index on callback_review (signed, id)');
  }
}
