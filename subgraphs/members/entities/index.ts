import { accountEntities } from './account.entity.ts';
import { ApiKeyEntity } from './api-key.entity.ts';
import { loyaltyEntities } from './loyalty.entity.ts';
import { NotificationEntity } from './notification.entity.ts';
import { TrustedDocumentEntity } from './trusted-document.entity.ts';

/** Every table the members subgraph maps, in the order the ORM discovers them. */
export const membersEntities = [...accountEntities, ApiKeyEntity, NotificationEntity, TrustedDocumentEntity, ...loyaltyEntities];
