import { PaymentsInitial } from './0001-initial.ts';
import { PaymentsReviewSigned } from './0002-review-signed.ts';

/** Every committed migration, in the order they run. Append; never edit one that has shipped. */
export const paymentsMigrations = [PaymentsInitial, PaymentsReviewSigned];
