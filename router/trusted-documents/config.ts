import type { CommonConfig } from '../../platform/config/common.ts';
import { declareSettings, oneOf, wholeNumber } from '../../platform/config/env.ts';

export type TrustedDocumentsMode = 'off' | 'log' | 'enforce';

/** TRUSTED_DOCUMENTS, TRUSTED_DOCUMENTS_CACHE_SECONDS (router/trusted-documents/gate.ts). */
export type TrustedDocumentSettings = {
  trustedDocuments: { mode: TrustedDocumentsMode; cacheSeconds: number };
};

const mode = oneOf('TRUSTED_DOCUMENTS', ['off', 'log', 'enforce'], {
  default: (current) => (current === 'production' ? 'enforce' : 'off'),
  defaultText: '`off` (`enforce` in production)',
  description:
    'Whether callers may run operations no client published as a trusted document (`npm run documents -- publish`). `off`: any ' +
    'operation runs. `log`: any runs, and those not published are counted (`router_unregistered_operations_total`) and logged once ' +
    'per document. `enforce`: an operation not published is refused, 400 `PERSISTED_DOCUMENT_REQUIRED`, whether sent as text or ' +
    'as an Apollo APQ hash, to anonymous callers, members and staff (unbound partner keys are held to their scopes and limits); ' +
    'send it by its `documentId` (or its exact text). Callers holding the `documents:arbitrary` scope (staff ' +
    'admins) run anything whatever the mode; an API key bound to a client runs only that client’s documents whatever the mode.',
});
const cacheSeconds = wholeNumber('TRUSTED_DOCUMENTS_CACHE_SECONDS', {
  default: 10,
  min: 0,
  max: 3600,
  description:
    'How long a router keeps its lookup of a document id in the members subgraph (found or not): a newly published document is ' +
    'accepted at every router within this time.',
});

export const trustedDocumentSettings = declareSettings<CommonConfig, TrustedDocumentSettings>({
  readBy: 'router',
  settings: [mode, cacheSeconds],
  build: (read) => ({ trustedDocuments: { mode: read(mode), cacheSeconds: read(cacheSeconds) } }),
});
