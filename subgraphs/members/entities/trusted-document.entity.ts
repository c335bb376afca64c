import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/**
 * One operation a client published as a trusted document (documents/trusted-documents.ts):
 * its id is `sha256:` and the SHA-256 of its text. The same document published
 * by two clients is two rows, one per client, since API keys are bound to a
 * client and must run only what that client published. Rows are never changed.
 */
export const TrustedDocumentEntity = defineEntity({
  name: 'TrustedDocument',
  tableName: 'trusted_document',
  properties: {
    id: p.string().primary(),
    client: p.string(),
    documentId: p.string(),
    /** The client's version that first published it. */
    version: p.string(),
    document: p.text(),
    publishedBy: p.string(),
    publishedAt: p.datetime(),
  },
});
export type TrustedDocument = InferEntity<typeof TrustedDocumentEntity>;
