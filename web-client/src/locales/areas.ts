// Every page area's strings (see area.ts), merged into the translations by i18n.ts. One line per area.
import { accountStrings } from '../pages/account/locale.ts';
import { boKeysStrings } from '../pages/back-office/api-keys/locale.ts';
import { catalogueStrings } from '../pages/back-office/catalogue/locale.ts';
import { boInvoicesStrings } from '../pages/back-office/invoices/locale.ts';
import { backOfficeStrings } from '../pages/back-office/locale.ts';
import { boMembersStrings } from '../pages/back-office/members/locale.ts';
import { boOrdersStrings } from '../pages/back-office/orders/locale.ts';
import { boPaymentsStrings } from '../pages/back-office/payments/locale.ts';
import { stockStrings } from '../pages/back-office/stock/locale.ts';
import { registerStrings } from '../pages/register/locale.ts';
import { reportsStrings } from '../pages/reports/locale.ts';
import type { Area } from './area.ts';

export const AREAS: readonly Area[] = [
  accountStrings,
  backOfficeStrings,
  catalogueStrings,
  stockStrings,
  boOrdersStrings,
  boMembersStrings,
  boKeysStrings,
  boInvoicesStrings,
  boPaymentsStrings,
  registerStrings,
  reportsStrings,
];
