import { MembersInitial } from './0001-initial.ts';
import { MembersLoyalty } from './0002-loyalty.ts';
import { MembersApiKeys } from './0003-api-keys.ts';
import { MembersNotifications } from './0004-notifications.ts';
import { MembersTrustedDocuments } from './0005-trusted-documents.ts';
import { MembersApiKeyLifecycle } from './0006-api-key-lifecycle.ts';
import { MembersApiKeyLimitsUsage } from './0007-api-key-limits-usage.ts';
import { MembersWebhooks } from './0008-webhooks.ts';
import { MembersPhoneIndex } from './0009-member-phone.ts';

/** Every committed migration, in the order they run. Append; never edit one that has shipped. */
export const membersMigrations = [
  MembersInitial,
  MembersLoyalty,
  MembersApiKeys,
  MembersNotifications,
  MembersTrustedDocuments,
  MembersApiKeyLifecycle,
  MembersApiKeyLimitsUsage,
  MembersWebhooks,
  MembersPhoneIndex,
];
