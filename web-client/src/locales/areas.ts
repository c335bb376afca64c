// Every page area's strings (see area.ts), merged into the translations by i18n.ts. One line per area.
import { boKeysStrings } from '../pages/back-office/api-keys/locale.ts';
import { backOfficeStrings } from '../pages/back-office/locale.ts';
import { boMembersStrings } from '../pages/back-office/members/locale.ts';
import { boOrdersStrings } from '../pages/back-office/orders/locale.ts';
import { registerStrings } from '../pages/register/locale.ts';
import type { Area } from './area.ts';

export const AREAS: readonly Area[] = [backOfficeStrings, registerStrings, boOrdersStrings, boMembersStrings, boKeysStrings];
